{{/* Names ------------------------------------------------------------------ */}}

{{- define "send-portal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name, 63 characters at most (a DNS label). */}}
{{- define "send-portal.fullname" -}}
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

{{/* A component's object name: <fullname>-<component>, the suffix always kept. */}}
{{- define "send-portal.componentName" -}}
{{- $root := index . 0 }}
{{- $component := index . 1 }}
{{- printf "%s-%s" (include "send-portal.fullname" $root | trunc (int (sub 62 (len $component))) | trimSuffix "-") $component }}
{{- end }}

{{- define "send-portal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels (app.kubernetes.io/*) ---------------------------------------------- */}}

{{- define "send-portal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "send-portal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "send-portal.labels" -}}
helm.sh/chart: {{ include "send-portal.chart" . }}
{{ include "send-portal.selectorLabels" . }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: send-portal
{{- end }}

{{/* (list $ "web") */}}
{{- define "send-portal.componentSelectorLabels" -}}
{{ include "send-portal.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "send-portal.componentLabels" -}}
{{ include "send-portal.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Image, service account ------------------------------------------------- */}}

{{- define "send-portal.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "send-portal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "send-portal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Hosts ------------------------------------------------------------------ */}}

{{/* Every host served: the platform's, then each council's, refusing duplicates. */}}
{{- define "send-portal.hosts" -}}
{{- $hosts := list .Values.platformHost }}
{{- $slugs := list }}
{{- range .Values.councils }}
{{- if has .host $hosts }}
{{- fail (printf "councils: the host %q appears more than once (each council has its own host, distinct from platformHost)" .host) }}
{{- end }}
{{- if has .slug $slugs }}
{{- fail (printf "councils: the slug %q appears more than once" .slug) }}
{{- end }}
{{- $hosts = append $hosts .host }}
{{- $slugs = append $slugs .slug }}
{{- end }}
{{- join "," $hosts }}
{{- end }}

{{/* Pod parts shared by every component ----------------------------------- */}}

{{- define "send-portal.configMapName" -}}
{{- include "send-portal.componentName" (list . "config") }}
{{- end }}

{{/* The same settings in every container: the ConfigMap, then the operators' Secret. */}}
{{- define "send-portal.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "send-portal.configMapName" . }}
  - secretRef:
      name: {{ .Values.existingSecret }}
{{- end }}

{{/* Pod-level settings: (list $ "component") */}}
{{- define "send-portal.podSpecCommon" -}}
{{- $root := index . 0 -}}
serviceAccountName: {{ include "send-portal.serviceAccountName" $root }}
automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod template metadata: (list $ "component") */}}
{{- define "send-portal.podMetadata" -}}
{{- $root := index . 0 -}}
labels:
  {{- include "send-portal.componentLabels" . | nindent 2 }}
  {{- with $root.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
  {{- with $root.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* The clamd sidecar for a component's pod, as a native sidecar (an init container
that keeps running): (list $ "component"). Empty when the component has none. */}}
{{- define "send-portal.clamdSidecar" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $clamav := $root.Values.clamav -}}
{{- if and $clamav.enabled (has $component $clamav.components) }}
initContainers:
  - name: clamd
    image: {{ if $clamav.image.digest }}{{ printf "%s@%s" $clamav.image.repository $clamav.image.digest }}{{ else }}{{ printf "%s:%s" $clamav.image.repository $clamav.image.tag }}{{ end }}
    imagePullPolicy: {{ $clamav.image.pullPolicy }}
    restartPolicy: Always
    {{- with $clamav.extraEnv }}
    env:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    ports:
      - name: clamd
        containerPort: {{ $clamav.port | int }}
        protocol: TCP
    startupProbe:
      tcpSocket:
        port: clamd
      {{- toYaml $clamav.startupProbe | nindent 6 }}
    livenessProbe:
      tcpSocket:
        port: clamd
      {{- toYaml $clamav.livenessProbe | nindent 6 }}
    resources:
      {{- toYaml $clamav.resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.securityContext | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      - name: clamav-database
        mountPath: /var/lib/clamav
      - name: clamav-run
        mountPath: /run/clamav
      - name: clamav-log
        mountPath: /var/log/clamav
      - name: clamd-conf
        mountPath: /etc/clamav/clamd.conf
        subPath: clamd.conf
        readOnly: true
{{- end }}
{{- end }}

{{/* The app container's address of its pod's clamd: (list $ "component"). */}}
{{- define "send-portal.clamdEnv" -}}
{{- $root := index . 0 -}}
{{- $clamav := $root.Values.clamav -}}
{{- if and $clamav.enabled (has (index . 1) $clamav.components) }}
- name: CLAMD_HOST
  value: "127.0.0.1"
- name: CLAMD_PORT
  value: {{ $clamav.port | int | toString | quote }}
{{- end }}
{{- end }}

{{/* The sidecar's writable places: (list $ "component"). */}}
{{- define "send-portal.clamdVolumes" -}}
{{- $root := index . 0 -}}
{{- $clamav := $root.Values.clamav -}}
{{- if and $clamav.enabled (has (index . 1) $clamav.components) }}
- name: clamav-database
  emptyDir:
    sizeLimit: {{ $clamav.databaseSizeLimit }}
- name: clamav-run
  emptyDir:
    sizeLimit: 16Mi
- name: clamav-log
  emptyDir:
    sizeLimit: 64Mi
- name: clamd-conf
  configMap:
    name: {{ include "send-portal.componentName" (list $root "clamd") }}
{{- end }}
{{- end }}

{{/* The writable places on a read-only root filesystem. */}}
{{- define "send-portal.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end }}

{{- define "send-portal.mediaVolume" -}}
- name: media
{{- if .Values.media.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.media.existingClaim }}
{{- else }}
  emptyDir:
    sizeLimit: {{ .Values.media.emptyDirSizeLimit }}
{{- end }}
{{- end }}
