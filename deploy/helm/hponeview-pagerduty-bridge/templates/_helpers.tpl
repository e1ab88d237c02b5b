{{/* Chart name, overridable; 63 characters is the DNS label limit every Kubernetes name must fit. */}}
{{- define "bridge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name; reuses the release name when it already contains the chart name. */}}
{{- define "bridge.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "bridge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of one component. Args (dict): ctx (root context), component (worker|web|setup).
Immutable once a Deployment exists, so nothing that changes between releases (version, chart) goes here.
*/}}
{{- define "bridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bridge.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Full label set of an object. Args (dict): ctx, component ("" for objects shared by every component). */}}
{{- define "bridge.labels" -}}
{{- if .component -}}
{{ include "bridge.selectorLabels" . }}
{{- else -}}
app.kubernetes.io/name: {{ include "bridge.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: hponeview-pagerduty-bridge
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "bridge.chart" .ctx }}
{{- end }}

{{- define "bridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "bridge.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the bridge's secrets: the ExternalSecret's target, an existing one, or "<fullname>". */}}
{{- define "bridge.secretName" -}}
{{- if .Values.secrets.externalSecret.enabled }}
{{- include "bridge.fullname" . }}
{{- else }}
{{- default (include "bridge.fullname" .) .Values.secrets.existingSecret }}
{{- end }}
{{- end }}

{{- define "bridge.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* True ("true") when the worker runs from an APPLIANCES_FILE rather than the single-appliance variables. */}}
{{- define "bridge.manyAppliances" -}}
{{- if .Values.appliances }}true{{ end }}
{{- end }}

{{/*
Secret keys the worker reads, as a JSON list: the fixed ones plus every key an appliance names by
passwordFile/routingKeyFile under secrets.mountPath. Only these are projected into the worker's volume.
*/}}
{{- define "bridge.workerSecretKeys" -}}
{{- $keys := include "bridge.payloadKeys" . | fromJsonArray }}
{{- if .Values.secrets.defaultRoutingKey }}{{ $keys = append $keys "PAGERDUTY_ROUTING_KEY" }}{{ end }}
{{- if .Values.temporal.apiKey.enabled }}{{ $keys = append $keys "TEMPORAL_API_KEY" }}{{ end }}
{{- if not (include "bridge.manyAppliances" .) }}{{ $keys = append $keys "ONEVIEW_PASSWORD" }}{{ end }}
{{- $prefix := printf "%s/" (trimSuffix "/" .Values.secrets.mountPath) }}
{{- range .Values.appliances }}
{{- range $path := list (.passwordFile | default "") (.routingKeyFile | default "") }}
{{- if hasPrefix $prefix $path }}{{ $keys = append $keys (trimPrefix $prefix $path) }}{{ end }}
{{- end }}
{{- end }}
{{- $keys | uniq | toJson }}
{{- end }}

{{/*
Secret keys the web process reads: the webhook token and the payload key(s), plus the Temporal API key and the
optional operator and codec tokens.
*/}}
{{- define "bridge.webSecretKeys" -}}
{{- $keys := prepend (include "bridge.payloadKeys" . | fromJsonArray) "WEBHOOK_TOKEN" }}
{{- if .Values.temporal.apiKey.enabled }}{{ $keys = append $keys "TEMPORAL_API_KEY" }}{{ end }}
{{- if .Values.secrets.operatorToken }}{{ $keys = append $keys "OPERATOR_TOKEN" }}{{ end }}
{{- if .Values.secrets.codecAuthToken }}{{ $keys = append $keys "CODEC_AUTH_TOKEN" }}{{ end }}
{{- $keys | toJson }}
{{- end }}

{{/* The path OneView pushes to; webhookAllowedSourceRanges restricts this route only. */}}
{{- define "bridge.webhookPath" -}}
/oneview-webhook
{{- end }}

{{/*
The exposed paths that reach the codec endpoint through the Ingress/HTTPProxy, as a JSON list: /codec and below,
and every path that is a prefix of /codec ("/", "/c", ...). Contour's prefix conditions match strings, not path
segments, so "/co" counts too. Empty when nothing is routed from outside.
*/}}
{{- define "bridge.codecRoutes" -}}
{{- $paths := list }}
{{- if and .Values.web.enabled (or .Values.ingress.enabled .Values.httpProxy.enabled) }}
{{- range .Values.exposedPaths }}
{{- if or (hasPrefix "/codec" .) (hasPrefix . "/codec") }}{{ $paths = append $paths . }}{{ end }}
{{- end }}
{{- end }}
{{- $paths | toJson }}
{{- end }}

{{/* "true" when the codec endpoint checks callers itself (static token and/or Web UI JWT); without, it answers 404. */}}
{{- define "bridge.codecAuthenticated" -}}
{{- if or .Values.secrets.codecAuthToken .Values.web.codecJwt.jwksUrl }}true{{ end }}
{{- end }}

{{/* Environment variables named by appliances' passwordEnv/routingKeyEnv, as a JSON list (read from the Secret). */}}
{{- define "bridge.applianceEnvKeys" -}}
{{- $keys := list }}
{{- range .Values.appliances }}
{{- if .passwordEnv }}{{ $keys = append $keys .passwordEnv }}{{ end }}
{{- if .routingKeyEnv }}{{ $keys = append $keys .routingKeyEnv }}{{ end }}
{{- end }}
{{- $keys | uniq | toJson }}
{{- end }}

{{/* The payload key(s) the worker and the web process read, as a JSON list; none when encryption is off. */}}
{{- define "bridge.payloadKeys" -}}
{{- $keys := list }}
{{- if .Values.payloadEncryption.enabled }}
{{- $keys = append $keys "PAYLOAD_ENCRYPTION_KEY" }}
{{- if .Values.secrets.previousEncryptionKeys }}{{ $keys = append $keys "PAYLOAD_ENCRYPTION_PREVIOUS_KEYS" }}{{ end }}
{{- end }}
{{- $keys | toJson }}
{{- end }}

{{/*
Payload encryption env of the worker and the web process: the key file(s), or PAYLOAD_ENCRYPTION=off, which
templates/validate.yaml lets through only with payloadEncryption.allowPlaintextHistory.
*/}}
{{- define "bridge.payloadEncryptionEnv" -}}
{{- range include "bridge.payloadKeys" . | fromJsonArray }}
- name: {{ . }}_FILE
  value: {{ include "bridge.secretFile" (dict "ctx" $ "key" .) }}
{{- else }}
- name: PAYLOAD_ENCRYPTION
  value: "off"
{{- end }}
{{- end }}

{{/* A secret key as a file path. Args (dict): ctx, key. */}}
{{- define "bridge.secretFile" -}}
{{- printf "%s/%s" (trimSuffix "/" .ctx.Values.secrets.mountPath) .key }}
{{- end }}

{{/* Temporal connection env shared by the worker, the web process and the hook Job. */}}
{{- define "bridge.temporalEnv" -}}
- name: TEMPORAL_ADDRESS
  value: {{ .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: TEMPORAL_TASK_QUEUE
  value: {{ .Values.temporal.taskQueue | quote }}
{{- with .Values.temporal.tls }}
{{- if .enabled }}
- name: TEMPORAL_TLS
  value: "true"
{{- if .existingSecret }}
{{- if and .certKey .keyKey }}
- name: TEMPORAL_TLS_CERT_FILE
  value: /etc/bridge/temporal-tls/{{ .certKey }}
- name: TEMPORAL_TLS_KEY_FILE
  value: /etc/bridge/temporal-tls/{{ .keyKey }}
{{- end }}
{{- if .caKey }}
- name: TEMPORAL_TLS_CA_FILE
  value: /etc/bridge/temporal-tls/{{ .caKey }}
{{- end }}
{{- end }}
{{- with .serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.temporal.apiKey.enabled }}
- name: TEMPORAL_API_KEY_FILE
  value: {{ include "bridge.secretFile" (dict "ctx" . "key" "TEMPORAL_API_KEY") }}
{{- end }}
{{- end }}

{{/* Volumes shared by every pod: /tmp (read-only root), the Temporal client certificate. */}}
{{- define "bridge.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.existingSecret }}
    defaultMode: 288  # 0440 (decimal: YAML 1.1 and 1.2 parsers read a leading 0 differently)
{{- end }}
{{- end }}

{{- define "bridge.commonVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  mountPath: /etc/bridge/temporal-tls
  readOnly: true
{{- end }}
{{- end }}

{{/* A projected volume of only the given keys of the bridge Secret. Args (dict): ctx, keys (list). */}}
{{- define "bridge.secretVolume" -}}
- name: secrets
  secret:
    secretName: {{ include "bridge.secretName" .ctx }}
    defaultMode: 288  # 0440 (decimal: YAML 1.1 and 1.2 parsers read a leading 0 differently)
    items:
      {{- range .keys }}
      - key: {{ . }}
        path: {{ . }}
      {{- end }}
{{- end }}

{{/* Pod-level security: non-root, fixed UID/GID so mounted secrets (0440, group fsGroup) are readable. */}}
{{- define "bridge.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "bridge.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Scheduling shared by the Deployments: prefer one pod per node (anti-affinity) and spread over zones and nodes.
ScheduleAnyway/preferred, so a small cluster still schedules every replica. Args (dict): ctx, component.
*/}}
{{- define "bridge.scheduling" -}}
{{- $ctx := .ctx -}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "bridge.selectorLabels" . | nindent 14 }}
topologySpreadConstraints:
  {{- range $ctx.Values.topologySpread.topologyKeys }}
  - topologyKey: {{ . }}
    maxSkew: {{ $ctx.Values.topologySpread.maxSkew }}
    whenUnsatisfiable: {{ $ctx.Values.topologySpread.whenUnsatisfiable }}
    # Spread each rollout's pods on their own: old pods going away must not skew the new ones.
    matchLabelKeys: ["pod-template-hash"]
    labelSelector:
      matchLabels:
        {{- include "bridge.selectorLabels" $ | nindent 8 }}
  {{- end }}
{{- with $ctx.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $ctx.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $ctx.Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/* Image, pull secrets and the pod fields every pod shares. */}}
{{- define "bridge.podCommon" -}}
serviceAccountName: {{ include "bridge.serviceAccountName" . }}
# The app never calls the Kubernetes API: no token in the pod.
automountServiceAccountToken: false
# No *_SERVICE_HOST variables for every Service in the namespace: the app reads none of them.
enableServiceLinks: false
securityContext:
  {{- include "bridge.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
