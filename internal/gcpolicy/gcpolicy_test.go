package gcpolicy

import (
	"runtime/debug"
	"testing"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name, gogc string
		set        bool
		want       string
		wantActive int
	}{
		{"unset", "", false, "400", Percent},
		{"empty", "", true, "400", Percent},
		{"set by the operator", "150", true, "150", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := debug.SetGCPercent(100)
			defer debug.SetGCPercent(before)
			got := Apply(func(k string) (string, bool) {
				if k != "GOGC" {
					t.Fatalf("looked up %s", k)
				}
				return tt.gogc, tt.set
			})
			if got != tt.want {
				t.Errorf("Apply = %q, want %q", got, tt.want)
			}
			if active := debug.SetGCPercent(100); active != tt.wantActive {
				t.Errorf("collector at %d%%, want %d%%", active, tt.wantActive)
			}
		})
	}
}
