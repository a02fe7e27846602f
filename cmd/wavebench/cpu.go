package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// process is one of the processes a run keeps busy: the measured one,
// Redis, the load generator with the platform's stand-ins.
type process struct {
	name string
	pid  int
}

// cpuSpent is what each process used of the machine in a run, in the
// order of the processes; nil where Linux's /proc cannot tell.
type cpuSpent []time.Duration

// cpuNow reads each process's CPU time so far.
func cpuNow(procs []process) cpuSpent {
	spent := make(cpuSpent, len(procs))
	for i, p := range procs {
		t, ok := cpuTime(p.pid)
		if !ok {
			return nil
		}
		spent[i] = t
	}
	return spent
}

// perRequest is the CPU each process spent between before and after, per
// request of the n answered; nil when either reading failed or none was
// answered.
func perRequest(before, after cpuSpent, n int) cpuSpent {
	if before == nil || after == nil || n == 0 {
		return nil
	}
	per := make(cpuSpent, len(before))
	for i := range before {
		per[i] = (after[i] - before[i]) / time.Duration(n)
	}
	return per
}

// userHZ is the unit of /proc's CPU times: Linux counts them in
// hundredths of a second on every architecture.
const userHZ = 100

// cpuTime is the CPU time, user and system, that process pid has used;
// false without /proc.
func cpuTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseStat(string(b))
}

// parseStat reads utime and stime, fields 14 and 15, of a /proc/PID/stat
// line. The command name, field 2, is in parentheses and may hold spaces
// and parentheses itself: the fields after it start after the last ")".
func parseStat(line string) (time.Duration, bool) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(line[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0, false
	}
	user, err1 := strconv.ParseInt(f[11], 10, 64)
	system, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || user < 0 || system < 0 {
		return 0, false
	}
	return time.Duration(user+system) * (time.Second / userHZ), true
}

// cpuReport says what a request cost each process at saturation, the
// median of the rounds, for both handlers, and the bare handler's total
// over wavebot's: on a machine shared by the three processes, what the
// throughput ratio comes to, without its minute-to-minute swings.
func cpuReport(procs []process, bare, wavebot []cpuSpent) string {
	unknown := func(r cpuSpent) bool { return r == nil }
	if len(procs) == 0 || len(bare) == 0 || len(wavebot) == 0 || slices.ContainsFunc(bare, unknown) || slices.ContainsFunc(wavebot, unknown) {
		return "CPU per request: not measured (no /proc on this machine, or a run answered nothing)"
	}
	describe := func(rounds []cpuSpent) (string, float64) {
		var parts []string
		total := 0.0
		for i, p := range procs {
			var v []float64
			for _, r := range rounds {
				v = append(v, float64(r[i])/float64(time.Microsecond))
			}
			m := median(v)
			total += m
			parts = append(parts, fmt.Sprintf("%s %.0f", p.name, m))
		}
		return fmt.Sprintf("%.0f µs (%s)", total, strings.Join(parts, ", ")), total
	}
	b, bt := describe(bare)
	w, wt := describe(wavebot)
	return fmt.Sprintf("CPU per request at saturation, the median of the rounds: bare %s; wavebot %s: bare/wavebot %.2f", b, w, bt/wt)
}
