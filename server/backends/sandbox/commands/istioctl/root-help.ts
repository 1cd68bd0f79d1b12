/** istioctl's root help and the top-level commands it lists (istioctl/cmd/root.go at 1.29). */
export const TOP_LEVEL: ReadonlyArray<[string, string]> = [
  ['admin', 'Manage control plane (istiod) configuration'],
  ['analyze', 'Analyze Istio configuration and print validation messages'],
  ['authz', '(authz is experimental. Use `istioctl experimental authz`)'],
  ['bug-report', 'Cluster information and log capture support tool.'],
  ['completion', 'Generate the autocompletion script for the specified shell'],
  ['create-remote-secret', 'Create a secret with credentials to allow Istio to access remote Kubernetes apiservers'],
  ['dashboard', 'Access to Istio web UIs'],
  ['experimental', 'Experimental commands that may be modified or deprecated'],
  ['help', 'Help about any command'],
  ['install', 'Applies an Istio manifest, installing or reconfiguring Istio on a cluster.'],
  ['kube-inject', 'Inject Istio sidecar into Kubernetes pod resources'],
  ['manifest', 'Commands related to Istio manifests'],
  ['proxy-config', 'Retrieve information about proxy configuration from Envoy [kube only]'],
  ['proxy-status', 'Retrieves the synchronization status of each Envoy in the mesh'],
  ['remote-clusters', 'Lists the remote clusters each istiod instance is connected to.'],
  ['tag', 'Command group used to interact with revision tags'],
  ['uninstall', 'Uninstall Istio from a cluster'],
  ['upgrade', 'Upgrade Istio control plane in-place'],
  ['validate', 'Validate Istio policy and rules files'],
  ['version', 'Prints out build version information'],
  ['waypoint', 'Manage waypoint configuration'],
  ['ztunnel-config', 'Update or retrieve current Ztunnel configuration.'],
];

export function rootHelp(flagsBlock: string): string {
  // cobra's rpad to NamePadding (the longest name, at least 11), then one space
  const w = Math.max(11, ...TOP_LEVEL.map(([n]) => n.length)) + 1;
  return (
    'Istio configuration command line utility for service operators to\ndebug and diagnose their Istio mesh.\n\n' +
    'Usage:\n  istioctl [command]\n\nAvailable Commands:\n' +
    TOP_LEVEL.map(([n, s]) => `  ${n.padEnd(w)}${s}`).join('\n') +
    `\n\nFlags:\n${flagsBlock}\n\nAdditional help topics:\n  istioctl options                           Displays istioctl global options\n\n` +
    'Use "istioctl [command] --help" for more information about a command.\n'
  );
}
