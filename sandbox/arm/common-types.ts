/**
 * The definitions extensions.json borrows from Azure/azure-rest-api-specs
 * `specification/common-types/resource-management/v2/types.json`, which spec/arm (a copy of ../shared/arm-spec) does
 * not carry. Transcribed field for field (descriptions dropped) for the names the spec uses.
 */
const CREATED_BY = ['User', 'Application', 'ManagedIdentity', 'Key']

export const COMMON_TYPES_V2: Record<string, object> = {
  Resource: {
    properties: {
      id: { readOnly: true, type: 'string' },
      name: { readOnly: true, type: 'string' },
      type: { readOnly: true, type: 'string' }
    },
    'x-ms-azure-resource': true
  },
  ProxyResource: { allOf: [{ $ref: '#/definitions/Resource' }] },
  Identity: {
    properties: {
      principalId: { readOnly: true, type: 'string' },
      tenantId: { readOnly: true, type: 'string' },
      type: { type: 'string', enum: ['SystemAssigned'] }
    }
  },
  Plan: {
    properties: {
      name: { type: 'string' },
      publisher: { type: 'string' },
      product: { type: 'string' },
      promotionCode: { type: 'string' },
      version: { type: 'string' }
    },
    required: ['name', 'publisher', 'product']
  },
  ErrorDetail: {
    properties: {
      code: { readOnly: true, type: 'string' },
      message: { readOnly: true, type: 'string' },
      target: { readOnly: true, type: 'string' },
      details: { readOnly: true, type: 'array', items: { $ref: '#/definitions/ErrorDetail' } },
      additionalInfo: {
        readOnly: true,
        type: 'array',
        items: { $ref: '#/definitions/ErrorAdditionalInfo' }
      }
    }
  },
  ErrorResponse: { properties: { error: { $ref: '#/definitions/ErrorDetail' } } },
  ErrorAdditionalInfo: {
    properties: {
      type: { readOnly: true, type: 'string' },
      info: { readOnly: true, type: 'object' }
    }
  },
  systemData: {
    type: 'object',
    readOnly: true,
    properties: {
      createdBy: { type: 'string' },
      createdByType: { type: 'string', enum: CREATED_BY, 'x-ms-enum': { modelAsString: true } },
      createdAt: { type: 'string', format: 'date-time' },
      lastModifiedBy: { type: 'string' },
      lastModifiedByType: {
        type: 'string',
        enum: CREATED_BY,
        'x-ms-enum': { modelAsString: true }
      },
      lastModifiedAt: { type: 'string', format: 'date-time' }
    }
  }
}
