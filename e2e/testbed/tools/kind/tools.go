//go:build tools

// Package tools pins the kind command that CLUSTER=kind uses on machines with Docker.
package tools

import _ "sigs.k8s.io/kind"
