import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { COMMON_TYPES_V2 } from './common-types.js'

/** The ARM spec copied into spec/arm (override with ARM_SPEC_DIR). */
export const ARM_SPEC_DIR =
  process.env.ARM_SPEC_DIR ?? fileURLToPath(new URL('../../spec/arm', import.meta.url))

export const EXTENSIONS_API_VERSION = '2023-05-01'

/** Definitions the sandbox validates against. */
export type SpecDefinition =
  'Extension' | 'patchExtension' | 'ExtensionsList' | 'OperationStatusResult' | 'ErrorResponse'

type Json = Record<string, unknown>

const readJson = (...parts: string[]): Json =>
  JSON.parse(readFileSync(join(ARM_SPEC_DIR, ...parts), 'utf8')) as Json

/** Every `$ref` (local, common/, common-types/) points into one merged `definitions`. */
const localRef = (ref: string): string => `#/definitions/${ref.split('/definitions/')[1]}`

function isNullable(prop: Json, required: boolean): boolean {
  // As the spec's own example validator (oav) reads Swagger: optional properties may be null.
  return prop['x-nullable'] === true || (!required && prop['x-nullable'] !== false)
}

/** Swagger 2.0 schema → JSON Schema ajv accepts: refs merged, nullability and open enums applied. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert)
  if (node === null || typeof node !== 'object') return node
  const out: Json = {}
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref') out.$ref = localRef(value as string)
    else if (key.startsWith('x-') || key === 'description' || key === 'title') continue
    else if (key === 'properties') out.properties = convertProperties(node as Json)
    else out[key] = convert(value)
  }
  const xEnum = (node as Json)['x-ms-enum'] as Json | undefined
  if (xEnum?.modelAsString === true) delete out.enum
  return out
}

function convertProperties(schema: Json): Json {
  const required = new Set((schema.required as string[] | undefined) ?? [])
  const props: Json = {}
  for (const [name, prop] of Object.entries(schema.properties as Record<string, Json>)) {
    const converted = convert(prop)
    props[name] = isNullable(prop, required.has(name))
      ? { anyOf: [converted, { type: 'null' }] }
      : converted
  }
  return props
}

function mergedDefinitions(version: string): Json {
  const extensions = readJson(version, 'extensions.json')
  const common = readJson('common', '2022-03-01', 'definitions.json')
  return {
    ...COMMON_TYPES_V2,
    ...(common.definitions as Json),
    ...(extensions.definitions as Json)
  }
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/** Compiled validators for one api-version of extensions.json. */
export class ExtensionsSpec {
  private readonly ajv: Ajv
  private readonly compiled = new Map<SpecDefinition, ValidateFunction>()

  constructor(version = EXTENSIONS_API_VERSION) {
    this.ajv = new Ajv({ strict: false, allErrors: true })
    addFormats(this.ajv)
    this.ajv.addSchema({ $id: 'spec', definitions: convert(mergedDefinitions(version)) })
  }

  /** Problems found in `data` as `<json pointer> <message>` lines; empty when valid. */
  validate(definition: SpecDefinition, data: unknown): string[] {
    let fn = this.compiled.get(definition)
    if (!fn) {
      fn = this.ajv.compile({ $ref: `spec#/definitions/${definition}` })
      this.compiled.set(definition, fn)
    }
    return fn(data) ? [] : (fn.errors ?? []).filter(isSubstantive).map(describe)
  }
}

/** Drops the echo of the nullability wrapper (`must be null`, `must match a schema in anyOf`). */
const isSubstantive = (err: ErrorObject): boolean =>
  err.keyword !== 'anyOf' && !(err.keyword === 'type' && err.params.type === 'null')

function describe(err: ErrorObject): string {
  const where = err.instancePath || '/'
  const allowed =
    err.params && 'allowedValues' in err.params ? ` (${err.params.allowedValues})` : ''
  return `${where} ${err.message ?? 'is invalid'}${allowed}`
}

const specs = new Map<string, ExtensionsSpec>()

/** The api-versions extensions.json exists for under ARM_SPEC_DIR. */
export function specVersions(): string[] {
  return readdirSync(ARM_SPEC_DIR).filter(v => existsSync(join(ARM_SPEC_DIR, v, 'extensions.json')))
}

/** The compiled spec for an api-version, or undefined when the service does not offer it. */
export function specFor(version: string): ExtensionsSpec | undefined {
  if (!specVersions().includes(version)) return undefined
  let spec = specs.get(version)
  if (!spec) {
    spec = new ExtensionsSpec(version)
    specs.set(version, spec)
  }
  return spec
}
