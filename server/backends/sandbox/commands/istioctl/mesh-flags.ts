/**
 * The flag texts `install` and `uninstall` share (operator/cmd/mesh/root.go and install.go, 1.29.6), as written:
 * their line breaks are the help's. `@@ISTIO@@` / `@@ISTIO_MINOR@@` are the release (help.ts fills them in).
 */
import type {FlagSpec} from '../../kit/flags';

/** setFlagHelpStr: ends with url.IstioOperatorSpec (pkg/url/url.go) */
export const SET_USAGE = `Override an IstioOperator value, e.g. to choose a profile
(--set profile=demo), enable or disable components (--set components.cni.enabled=true), or override Istio
settings (--set meshConfig.enableTracing=true). See documentation for more info:https://istio.io/v@@ISTIO_MINOR@@/docs/reference/config/istio.operator.v1alpha1/#IstioOperatorSpec`;

/** ManifestsFlagHelpStr: its closing line break leaves a line of padding in the help */
export const MANIFESTS_USAGE = `Specify a path to a directory of charts and profiles
(e.g. ~/Downloads/istio-@@ISTIO@@/manifests).
`;

export const SKIP_CONFIRMATION_USAGE = `The skipConfirmation determines whether the user is prompted for confirmation.
If set to true, the user is not prompted and a Yes response is assumed in all cases.`;

export const FILENAME_USAGE = `Path to file containing IstioOperator custom resource
This flag can be specified multiple times to overlay multiple files. Multiple files are overlaid in left to right order.`;

export const FORCE_USAGE = 'Proceed even with validation errors.';
export const VERIFY_USAGE = 'Verify the Istio control plane after installation/in-place upgrade';
export const REVISION_USAGE = 'Target control plane revision for the command.';

/** addFlags: every mesh command's --dry-run */
export const DRY_RUN_FLAG: FlagSpec = {
  name: 'dry-run',
  type: 'bool',
  usage: 'Console/log output only, make no changes.',
};
