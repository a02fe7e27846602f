package redis

import (
	"bufio"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestReadRESP(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"+OK\r\n", "OK"},
		{"-ERR unknown\r\n", respError("ERR unknown")},
		{":42\r\n", int64(42)},
		{"_\r\n", nil},
		{"#t\r\n", true},
		{"$5\r\nhello\r\n", "hello"},
		{"$-1\r\n", nil},
		{"$0\r\n\r\n", ""},
		{"=8\r\ntxt:done\r\n", "done"},
		{"!9\r\nERR fails\r\n", respError("ERR fails")},
		{"*2\r\n$6\r\nmaster\r\n:0\r\n", []any{"master", int64(0)}},
		{"%1\r\n+server\r\n+redis\r\n", []any{"server", "redis"}},
		{">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\n{p}w:b3\r\n", respPush{"invalidate", []any{"{p}w:b3"}}},
		{">2\r\n$10\r\ninvalidate\r\n_\r\n", respPush{"invalidate", nil}},
		{"|1\r\n+ttl\r\n:3\r\n+OK\r\n", "OK"},
		// At the limits: nested as deep as allowed, as long as allowed.
		{strings.Repeat("*1\r\n", maxRESPDepth) + ":1\r\n", nested(maxRESPDepth, int64(1))},
		{fmt.Sprintf("$%d\r\n%s\r\n", maxRESPBulk, strings.Repeat("x", maxRESPBulk)), strings.Repeat("x", maxRESPBulk)},
	}
	for _, tt := range tests {
		got, err := readRESP(bufio.NewReader(strings.NewReader(tt.in)))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestReadRESPRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"\r\n",
		"+OK\n",
		"?x\r\n",
		":x\r\n",
		"$2\r\nhello\r\n",
		"$99999999999\r\n",
		"*99999999\r\n",
		"$-2\r\n",
		strings.Repeat("*1\r\n", maxRESPDepth+1) + ":1\r\n",
		"*2\r\n:1\r\n",
	} {
		if v, err := readRESP(bufio.NewReader(strings.NewReader(in))); err == nil {
			t.Errorf("%q = %#v, want an error", in, v)
		}
	}
	for _, in := range []string{fmt.Sprintf("$%d\r\n", maxRESPBulk+1), fmt.Sprintf("*%d\r\n", maxRESPElements+1)} {
		if _, err := readRESP(bufio.NewReader(strings.NewReader(in))); !errors.Is(err, errRESPLimit) {
			t.Errorf("%q: %v, want the limit", in, err)
		}
	}
}

// nested is v inside depth arrays of one element.
func nested(depth int, v any) any {
	for range depth {
		v = []any{v}
	}
	return v
}

// FuzzReadRESP: whatever a broken connection sends, reading ends with a
// value or an error, without panicking.
func FuzzReadRESP(f *testing.F) {
	for _, s := range []string{"+OK\r\n", ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", "%1\r\n+a\r\n*1\r\n_\r\n", "|1\r\n+a\r\n+b\r\n:1\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bufio.NewReader(strings.NewReader(string(in)))
		for range 8 {
			if _, err := readRESP(r); err != nil {
				return
			}
		}
	})
}
