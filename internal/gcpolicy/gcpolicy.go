// Package gcpolicy sets how often a long-running wavebot process
// collects garbage.
package gcpolicy

import (
	"runtime/debug"
	"strconv"
)

// Percent is the collector's target for a service: collect when the heap
// has grown by four times what the last collection kept, where Go's
// default is once. A replica keeps a few megabytes (its caches and the
// requests in flight) and allocates that much for every few hundred
// chat requests, so by default it collects many times a second under
// load; at 400 it collects a fifth as often, for a few tens of megabytes
// more memory.
const Percent = 400

// Apply sets Percent unless the GOGC variable in env sets the collector
// already, and returns the setting in force ("off" included).
func Apply(env func(string) (string, bool)) string {
	if v, ok := env("GOGC"); ok && v != "" {
		return v
	}
	debug.SetGCPercent(Percent)
	return strconv.Itoa(Percent)
}
