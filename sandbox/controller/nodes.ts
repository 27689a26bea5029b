/** Seeding the cluster's nodes, and reading them back as the scheduler sees them. */
import type { ObjectStore } from '../kube/store.js'
import type { KubeObject } from '../kube/types.js'
import type { NodeView } from './scheduler.js'

export interface NodeSeed {
  name?: string
  labels?: Record<string, string>
  unschedulable?: boolean
}

/** AKS-style names: aks-nodepool1-10287945-vmss000000, …000001 (base-36 instance ids). */
export function aksNodeName(i: number): string {
  return `aks-nodepool1-10287945-vmss${i.toString(36).padStart(6, '0')}`
}

export function nodeObject(seed: NodeSeed, i: number): KubeObject {
  const name = seed.name ?? aksNodeName(i)
  return {
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.azure.com/agentpool': 'nodepool1',
        agentpool: 'nodepool1',
        'node.kubernetes.io/instance-type': 'Standard_DS3_v2',
        'topology.kubernetes.io/zone': `eastus-${(i % 3) + 1}`,
        ...seed.labels
      }
    },
    spec: {
      providerID: `azure:///subscriptions/sandbox/virtualMachineScaleSets/${i}`,
      ...(seed.unschedulable ? { unschedulable: true } : {})
    },
    status: {
      capacity: { cpu: '4', memory: '16365228Ki', pods: '110', 'ephemeral-storage': '129886128Ki' },
      allocatable: {
        cpu: '3860m',
        memory: '12880044Ki',
        pods: '110',
        'ephemeral-storage': '119703055367'
      },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available'
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure'
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available'
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status'
        }
      ],
      addresses: [
        { type: 'InternalIP', address: `10.224.${Math.floor(i / 250)}.${(i % 250) + 4}` },
        { type: 'Hostname', address: name }
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: 'v1.32.4',
        containerRuntimeVersion: 'containerd://1.7.27-1',
        osImage: 'Ubuntu 22.04.5 LTS',
        kernelVersion: '5.15.0-1089-azure',
        operatingSystem: 'linux',
        architecture: 'amd64'
      }
    }
  }
}

export function seedNodes(store: ObjectStore, nodes: number | NodeSeed[]): void {
  const seeds = typeof nodes === 'number' ? Array.from({ length: nodes }, () => ({})) : nodes
  seeds.forEach((seed, i) => store.create('nodes', nodeObject(seed, i)))
}

export function nodeViews(store: ObjectStore): NodeView[] {
  return store.list('nodes', {}).items.map(n => ({
    name: n.metadata.name,
    labels: n.metadata.labels ?? {},
    unschedulable: !!(n.spec as { unschedulable?: boolean } | undefined)?.unschedulable
  }))
}
