package wave

import (
	"strings"
	"testing"
)

func TestValidPersonID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"slack:U0123ABCD", true},
		{"slack:u0123abcd", false},
		{"slack:", false},
		{"slack:U01-23", false},
		{"teams:a0000000-0000-4000-8000-000000000001", true},
		{"teams:29:1abc_DEF.x", true},
		{"teams:-abc", false},
		{"teams:", false},
		{"teams:abc def", false},
		{"teams:abcæ", false},
		{"teams:" + strings.Repeat("a", MaxPlatformID-len("teams:")), true},
		{"teams:" + strings.Repeat("a", MaxPlatformID-len("teams:")+1), false},
		{"mail:someone", false},
		{"maria", true},
		{"søren.ærø", true},
		{"Maria", false},
		{".maria", false},
		{"", false},
		{strings.Repeat("a", MaxPersonName), true},
		{strings.Repeat("a", MaxPersonName+1), false},
	}
	for _, tt := range tests {
		if got := ValidPersonID(tt.id); got != tt.want {
			t.Errorf("ValidPersonID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}
