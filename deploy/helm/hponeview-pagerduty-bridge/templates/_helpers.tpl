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
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Label keys the chart sets itself: commonLabels and podLabels may not set them (templates/validate.yaml). */}}
{{- define "bridge.ownLabelKeys" -}}
{{- list "app.kubernetes.io/name" "app.kubernetes.io/instance" "app.kubernetes.io/component" "app.kubernetes.io/version" "app.kubernetes.io/part-of" "app.kubernetes.io/managed-by" "helm.sh/chart" | toJson }}
{{- end }}

{{/*
Labels of a Deployment's pod template: the object's labels (commonLabels included), then podLabels, then
<component>.podLabels, each winning over the one before. Never used in a selector. Args (dict): ctx, component.
*/}}
{{- define "bridge.podLabels" -}}
{{- $labels := include "bridge.labels" . | fromYaml }}
{{- range $layer := list .ctx.Values.podLabels (index .ctx.Values .component).podLabels }}
{{- range $key, $value := $layer }}{{ $_ := set $labels $key $value }}{{ end }}
{{- end }}
{{- toYaml $labels }}
{{- end }}

{{/* Annotations of a Deployment's pod template: podAnnotations, then <component>.podAnnotations over them, then
`fixed` (the chart's own) over both. Args (dict): ctx, component, fixed (map). */}}
{{- define "bridge.podAnnotations" -}}
{{- $annotations := dict }}
{{- range $layer := list .ctx.Values.podAnnotations (index .ctx.Values .component).podAnnotations .fixed }}
{{- range $key, $value := $layer }}{{ $_ := set $annotations $key $value }}{{ end }}
{{- end }}
{{- if $annotations }}{{ toYaml $annotations }}{{ end }}
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

{{/* True ("true") when the worker reads files of the config ConfigMap: APPLIANCES_FILE and/or ROUTES_FILE. */}}
{{- define "bridge.configFiles" -}}
{{- if or .Values.appliances .Values.routes .Values.windows }}true{{ end }}
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
{{- if .Values.secrets.blindRoutingKey }}{{ $keys = append $keys "PAGERDUTY_BLIND_ROUTING_KEY" }}{{ end }}
{{- if .Values.temporal.apiKey.enabled }}{{ $keys = append $keys "TEMPORAL_API_KEY" }}{{ end }}
{{- if not (include "bridge.manyAppliances" .) }}{{ $keys = append $keys "ONEVIEW_PASSWORD" }}{{ end }}
{{- $prefix := printf "%s/" (trimSuffix "/" .Values.secrets.mountPath) }}
{{- range .Values.appliances }}
{{- range $path := list (.passwordFile | default "") (.routingKeyFile | default "") }}
{{- if hasPrefix $prefix $path }}{{ $keys = append $keys (trimPrefix $prefix $path) }}{{ end }}
{{- end }}
{{- end }}
{{- range .Values.routes }}
{{- if hasPrefix $prefix (.routingKeyFile | default "") }}{{ $keys = append $keys (trimPrefix $prefix .routingKeyFile) }}{{ end }}
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

{{/* Environment variables named by appliances' passwordEnv/routingKeyEnv and routes' routingKeyEnv, as a JSON list (read from the Secret). */}}
{{- define "bridge.applianceEnvKeys" -}}
{{- $keys := list }}
{{- range .Values.appliances }}
{{- if .passwordEnv }}{{ $keys = append $keys .passwordEnv }}{{ end }}
{{- if .routingKeyEnv }}{{ $keys = append $keys .routingKeyEnv }}{{ end }}
{{- end }}
{{- range .Values.routes }}
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

{{/*
Pod-level security: non-root, RuntimeDefault seccomp and a fixed UID/GID 10001 (the image's USER) with fsGroup 10001,
so the mounted secrets (0440, group fsGroup) are readable. Each key of podSecurityContext replaces the chart's (a
profile or seLinuxOptions as a whole; 0 counts, unlike with mergeOverwrite). openshift.enabled
leaves out runAsUser, runAsGroup and fsGroup: the restricted SCC assigns them from the namespace's range (the image's
files are root-owned and world-readable, so any UID runs it; fsGroup still makes the secrets readable).
*/}}
{{- define "bridge.podSecurityContext" -}}
{{- $sc := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- if not .Values.openshift.enabled }}
{{- $_ := set $sc "runAsUser" 10001 }}
{{- $_ = set $sc "runAsGroup" 10001 }}
{{- $_ = set $sc "fsGroup" 10001 }}
{{- end }}
{{- range $key, $value := .Values.podSecurityContext }}{{ $_ := set $sc $key $value }}{{ end }}
{{- toYaml $sc }}
{{- end }}

{{/*
Container-level security: no privilege escalation, read-only root, every capability dropped; the user, group and
seccomp profile repeat the pod's (so a podSecurityContext override reaches the containers too). Each key of
securityContext replaces the chart's; the schema lets no value loosen what is hardened here.
*/}}
{{- define "bridge.containerSecurityContext" -}}
{{- $pod := include "bridge.podSecurityContext" . | fromYaml }}
{{- $sc := dict "runAsNonRoot" true "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "privileged" false "capabilities" (dict "drop" (list "ALL")) }}
{{- range list "runAsUser" "runAsGroup" "seccompProfile" }}
{{- if hasKey $pod . }}{{ $_ := set $sc . (get $pod .) }}{{ end }}
{{- end }}
{{- range $key, $value := .Values.securityContext }}{{ $_ := set $sc $key $value }}{{ end }}
{{- toYaml $sc }}
{{- end }}

{{/*
Scheduling shared by the Deployments: prefer one pod per node (anti-affinity) and spread over zones and nodes.
ScheduleAnyway/preferred, so a small cluster still schedules every replica. <component>.affinity, else affinity
(rendered through `tpl`, for selectors naming the release), replaces the default anti-affinity;
<component>.nodeSelector/.tolerations, when set, replace the top-level ones.
Args (dict): ctx, component.
*/}}
{{- define "bridge.scheduling" -}}
{{- $ctx := .ctx -}}
{{- $component := index $ctx.Values .component -}}
affinity:
{{- with $component.affinity | default $ctx.Values.affinity }}
  {{- tpl (toYaml .) $ctx | nindent 2 }}
{{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "bridge.selectorLabels" . | nindent 14 }}
{{- end }}
{{- with $ctx.Values.topologySpread.topologyKeys }}
topologySpreadConstraints:
  {{- range . }}
  - topologyKey: {{ . }}
    maxSkew: {{ $ctx.Values.topologySpread.maxSkew }}
    whenUnsatisfiable: {{ $ctx.Values.topologySpread.whenUnsatisfiable }}
    # Spread each rollout's pods on their own: old pods going away must not skew the new ones.
    matchLabelKeys: ["pod-template-hash"]
    labelSelector:
      matchLabels:
        {{- include "bridge.selectorLabels" $ | nindent 8 }}
  {{- end }}
{{- end }}
{{- with $component.nodeSelector | default $ctx.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $component.tolerations | default $ctx.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $ctx.Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/* Scheduling of the hook Job: only what was asked for (top-level affinity, nodeSelector, tolerations). */}}
{{- define "bridge.jobScheduling" -}}
{{- with .Values.affinity }}
affinity:
  {{- tpl (toYaml .) $ | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The volumes the chart mounts in a component's pod, as a JSON map name -> mount path (what extraVolumes and
extraVolumeMounts are checked against). Args (dict): ctx, component (worker|web).
*/}}
{{- define "bridge.chartVolumes" -}}
{{- $v := .ctx.Values }}
{{- $volumes := dict "tmp" "/tmp" "secrets" (trimSuffix "/" $v.secrets.mountPath) }}
{{- if and $v.temporal.tls.enabled $v.temporal.tls.existingSecret }}{{ $_ := set $volumes "temporal-tls" "/etc/bridge/temporal-tls" }}{{ end }}
{{- if eq .component "worker" }}
{{- if include "bridge.configFiles" .ctx }}{{ $_ := set $volumes "appliances" "/etc/bridge/config" }}{{ end }}
{{- if $v.oneview.caCertificates }}{{ $_ := set $volumes "ca" "/etc/bridge/ca" }}{{ end }}
{{- end }}
{{- toJson $volumes }}
{{- end }}

{{/* A list of values rendered through `tpl` (extraVolumes, extraVolumeMounts), as JSON. Args (dict): ctx, list. */}}
{{- define "bridge.tplList" -}}
{{- if .list }}{{ tpl (toYaml .list) .ctx | fromYamlArray | toJson }}{{ else }}[]{{ end }}
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
