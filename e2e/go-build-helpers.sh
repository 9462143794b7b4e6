# Helpers shared by e2e/controlplane/build.sh and e2e/nodes/build.sh (sourced; bash). The caller sets HERE (its
# folder, for shorter log lines) and, for k8s_ldflags, K8S_VERSION.

log() { echo "[build] $*" >&2; }

gomod_of() { # module@version -> path of its go.mod in the module cache
  GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p'
}

write_tools_go() { # dir package...
  local dir="$1"; shift
  {
    echo "//go:build tools"
    echo
    echo "// Package tools pins the main packages that e2e/$(basename "${HERE}")/build.sh builds from this wrapper module."
    echo "package tools"
    echo
    echo "import ("
    local p
    for p in "$@"; do echo "	_ \"${p}\""; done
    echo ")"
  } >"${dir}/tools.go"
}

tidy() { # dir
  log "go mod tidy in ${1#"${HERE}/"}"
  (cd "$1" && GOFLAGS="-buildvcs=false -mod=mod" go mod tidy)
}

# -ldflags of the Kubernetes binaries, as upstream's: -X .../version.{gitVersion,...} so `--version` says K8S_VERSION.
k8s_ldflags() {
  local ver="${K8S_VERSION}" major minor date
  major="${ver#v}"; major="${major%%.*}"
  minor="${ver#v*.}"; minor="${minor%%.*}"
  # buildDate: the release's publication time (reproducible), from the module proxy's .info
  date="$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@${ver}" \
    | sed -n 's/^[[:space:]]*"Time": "\(.*\)",$/\1/p')"
  [[ -z "${date}" ]] && date="1970-01-01T00:00:00Z"
  local flags="-s -w" key val pkgv
  for pkgv in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    for key in gitVersion gitMajor gitMinor gitTreeState buildDate; do
      case "${key}" in
        gitVersion) val="${ver}" ;;
        gitMajor) val="${major}" ;;
        gitMinor) val="${minor}" ;;
        gitTreeState) val="clean" ;;
        buildDate) val="${date}" ;;
      esac
      flags+=" -X ${pkgv}.${key}=${val}"
    done
  done
  echo "${flags}"
}
