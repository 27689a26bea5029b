/** A kubeconfig for the sandbox: CA data inline, a bearer-token user. Pure. */
export function kubeconfigYaml(opts: { server: string; caPem: string; token: string }): string {
  const ca = Buffer.from(opts.caPem).toString('base64')
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: sandbox',
    '  cluster:',
    `    server: ${opts.server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: sandbox-user',
    '  user:',
    `    token: ${opts.token}`,
    'contexts:',
    '- name: sandbox',
    '  context:',
    '    cluster: sandbox',
    '    user: sandbox-user',
    '    namespace: azureml',
    'current-context: sandbox',
    ''
  ].join('\n')
}
