//go:build tools

// Package tools pins Karpenter's kwok cloud provider, the node autoscaler the test bed runs against kwok
// (a binary named kwok upstream, built here as karpenter-kwok).
package tools

import _ "sigs.k8s.io/karpenter/kwok"
