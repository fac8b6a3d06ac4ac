// The module kindgate builds the upstream Gateway API conformance suite from: this file only calls
// the suite's public entry point, which reads the upstream flags (conformance/utils/flags) that
// kindgate passes after -args. go.mod and go.sum pin sigs.k8s.io/gateway-api/conformance and every
// dependency (Go verifies each module against go.sum).
package conformance_test

import (
	"testing"

	"sigs.k8s.io/gateway-api/conformance"
)

func TestConformance(t *testing.T) {
	conformance.RunConformance(t)
}
