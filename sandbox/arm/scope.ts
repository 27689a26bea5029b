import { ArmError } from './errors.js'

/** Subscriptions and resource groups that exist; ARM answers 404 for anything outside them. */
export class Scopes {
  private readonly subscriptions = new Set<string>()
  private readonly groups = new Map<string, string>()

  addResourceGroup(subscriptionId: string, resourceGroup: string): void {
    this.subscriptions.add(subscriptionId.toLowerCase())
    this.groups.set(`${subscriptionId}/${resourceGroup}`.toLowerCase(), resourceGroup)
  }

  requireSubscription(subscriptionId: string): void {
    if (!this.subscriptions.has(subscriptionId.toLowerCase())) {
      throw new ArmError(
        404,
        'SubscriptionNotFound',
        `The subscription '${subscriptionId}' could not be found.`
      )
    }
  }

  /** The resource group's stored casing; throws ARM's 404 when it does not exist. */
  requireResourceGroup(subscriptionId: string, resourceGroup: string): string {
    this.requireSubscription(subscriptionId)
    const name = this.groups.get(`${subscriptionId}/${resourceGroup}`.toLowerCase())
    if (!name) {
      throw new ArmError(
        404,
        'ResourceGroupNotFound',
        `Resource group '${resourceGroup}' could not be found.`
      )
    }
    return name
  }
}
