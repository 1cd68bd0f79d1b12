#!/bin/sh
# The Ambient Lab sandbox's answer to `curl -L https://istio.io/downloadIstio | sh -`: our own small script, not
# Istio's. It prints what Istio's downloader prints and leaves istio-<version>/bin/istioctl, a launcher for the
# sandbox's istioctl (which reports the sandbox's Istio, {{VERSION}}). Without ISTIO_VERSION it takes {{VERSION}}.
ISTIO_VERSION="${ISTIO_VERSION:-{{VERSION}}}"
ISTIO_VERSION="${ISTIO_VERSION#v}"
case "$(uname -m)" in
  aarch64|arm64) ISTIO_ARCH=arm64 ;;
  *) ISTIO_ARCH=amd64 ;;
esac
NAME="istio-${ISTIO_VERSION}"
URL="https://github.com/istio/istio/releases/download/${ISTIO_VERSION}/istio-${ISTIO_VERSION}-linux-${ISTIO_ARCH}.tar.gz"
printf "\nDownloading %s from %s ...\n" "$NAME" "$URL"
mkdir -p "${NAME}/bin" "${NAME}/samples" "${NAME}/manifests" || exit 1
cat > "${NAME}/bin/istioctl" <<'LAUNCHER'
#!/bin/sh
exec node "{{LAB_SHIMS}}/lab-command.mjs" istioctl "$@"
LAUNCHER
chmod +x "${NAME}/bin/istioctl"
printf "\nIstio %s download complete!\n\n" "$ISTIO_VERSION"
printf "The Istio release archive has been downloaded to the %s directory.\n\n" "$NAME"
BINDIR="$(cd "${NAME}/bin" && pwd)"
printf "To configure the istioctl client tool for your workstation,\n"
printf "add the %s directory to your environment path variable with:\n" "$BINDIR"
printf "\t export PATH=\"\$PATH:%s\"\n\n" "$BINDIR"
printf "Begin the Istio pre-installation check by running:\n"
printf "\t istioctl x precheck \n\n"
printf "Try Istio in ambient mode\n\thttps://istio.io/latest/docs/ambient/getting-started/\n"
printf "Try Istio in sidecar mode\n\thttps://istio.io/latest/docs/setup/getting-started/\n"
printf "Install guides for ambient mode\n\thttps://istio.io/latest/docs/ambient/install/\n"
printf "Install guides for sidecar mode\n\thttps://istio.io/latest/docs/setup/install/\n\n"
printf "Need more information? Visit https://istio.io/latest/docs/ \n"
