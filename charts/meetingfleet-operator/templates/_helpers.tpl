{{- define "mfo.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "mfo.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mfo.labels" -}}
{{ include "mfo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The namespaces whose fleets the operator manages; empty means all of them. */}}
{{- define "mfo.watchedNamespaces" -}}
{{- if eq .Values.watch.mode "namespace" -}}{{ .Release.Namespace }}{{- else if eq .Values.watch.mode "namespaces" -}}{{ join "," .Values.watch.namespaces }}{{- end -}}
{{- end -}}

{{/* What the operator does with the API: every verb here is used by operator/src (see the chart README). */}}
{{- define "mfo.rules" -}}
- apiGroups: [meet.meetingfleet.dev]
  resources: [meetingfleets]
  verbs: [get, list, watch, patch]
- apiGroups: [meet.meetingfleet.dev]
  resources: [meetingfleets/status]
  verbs: [get, patch, update]
- apiGroups: [meet.meetingfleet.dev]
  resources: [meetingfleets/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, create, patch]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [list, watch, create]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/* The directory: its own name label, so that no selector of the operator's (Service, PDB, NetworkPolicy) takes its pods. */}}
{{- define "mfo.directoryName" -}}
{{ printf "%s-directory" (include "mfo.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "mfo.directorySelectorLabels" -}}
app.kubernetes.io/name: meetingfleet-directory
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mfo.directoryLabels" -}}
{{ include "mfo.directorySelectorLabels" . }}
app.kubernetes.io/component: directory
app.kubernetes.io/part-of: {{ .Chart.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
