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
