package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"time"

	"wavebot/internal/gcpolicy"
)

// serveCommand is the first argument that makes wavebench the measured
// process: "wavebench serve -mode M -redis-url U ..." serves mode M's
// two handlers, on loopback ports it prints, until its standard input
// ends. wavebench starts it itself; it is not meant to be run by hand.
const serveCommand = "serve"

// The lines the measured process and the load generator exchange: it
// says where it listens, then takes one command a line on its standard
// input and answers each with a line.
const (
	// listeningLine is followed by the bare handler's and wavebot's base
	// URLs and the collector's setting.
	listeningLine = "listening"
	// profileCommand is followed by a file: a CPU profile of the process
	// starts into it. stopCommand stops it.
	profileCommand = "profile"
	stopCommand    = "stop"
	okLine         = "ok"
)

// serve is the measured process: the handlers of one mode, each on a
// loopback port of its own, with the collector set as serve sets it.
func serve(ctx context.Context, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("wavebench serve", flag.ContinueOnError)
	name := fs.String("mode", "", "the endpoint to serve")
	redisURL := fs.String("redis-url", "", "the Redis wavebot's handler uses")
	var p platform
	fs.StringVar(&p.apiURL, "api-url", "", "Slack's Web API, or the Bot Connector's service URL")
	fs.StringVar(&p.metadataURL, "metadata-url", "", "Microsoft's OpenID metadata")
	fs.StringVar(&p.tokenURL, "token-url", "", "Microsoft's token endpoint")
	if err := fs.Parse(args); err != nil {
		return err
	}
	newMode, ok := modes[*name]
	if !ok || *redisURL == "" {
		return fmt.Errorf("serve: -mode %q and -redis-url %q: both are needed", *name, *redisURL)
	}
	gogc := gcpolicy.Apply(os.LookupEnv)
	bare, real, closeHandlers, err := newMode().handlers(ctx, *redisURL, p)
	if err != nil {
		return fmt.Errorf("serve: build the %s handlers: %w", *name, err)
	}
	defer closeHandlers()
	var bases []string
	for _, h := range []http.Handler{bare, real} {
		base, stop, err := serveOnLoopback(h)
		if err != nil {
			return fmt.Errorf("serve: listen on loopback: %w", err)
		}
		defer stop()
		bases = append(bases, base)
	}
	fmt.Fprintln(out, listeningLine, bases[0], bases[1], gogc)
	commands := make(chan string)
	go func() {
		defer close(commands)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			commands <- sc.Text()
		}
	}()
	var profile *os.File
	defer func() {
		if profile != nil {
			pprof.StopCPUProfile()
			profile.Close()
		}
	}()
	for {
		var line string
		select {
		case <-ctx.Done():
			return nil
		case l, ok := <-commands:
			if !ok {
				return nil // the load generator is done
			}
			line = l
		}
		word, arg, _ := strings.Cut(line, " ")
		var err error
		switch {
		case word == profileCommand && profile == nil:
			if profile, err = os.Create(arg); err == nil {
				if err = pprof.StartCPUProfile(profile); err != nil {
					profile.Close()
					profile = nil
				}
			}
		case word == stopCommand && profile != nil:
			pprof.StopCPUProfile()
			err = profile.Close()
			profile = nil
		default:
			err = errors.New("not understood")
		}
		if err != nil {
			fmt.Fprintf(out, "%q: %v\n", line, err)
			continue
		}
		fmt.Fprintln(out, okLine)
	}
}

// measured is the measured process, seen from the load generator.
type measured struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	// lines are what it writes, a line at a time, until it ends.
	lines         chan string
	pid           int
	bare, wavebot string
	gogc          string
}

// startMeasured starts the measured process for mode name from this
// process's own executable, and waits until its handlers listen.
func startMeasured(ctx context.Context, name, redisURL string, p platform) (*measured, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find wavebench's executable: %w", err)
	}
	cmd := exec.Command(exe, serveCommand, "-mode", name, "-redis-url", redisURL,
		"-api-url", p.apiURL, "-metadata-url", p.metadataURL, "-token-url", p.tokenURL)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("the measured process's input: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("the measured process's output: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the measured process: %w", err)
	}
	m := &measured{cmd: cmd, in: in, lines: make(chan string, 16), pid: cmd.Process.Pid}
	go func() {
		defer close(m.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			m.lines <- sc.Text()
		}
	}()
	first, err := m.answer(ctx, time.Minute)
	if err != nil {
		m.stop()
		return nil, err
	}
	f := strings.Fields(first)
	if len(f) != 4 || f[0] != listeningLine {
		m.stop()
		return nil, fmt.Errorf("the measured process said %q", first)
	}
	m.bare, m.wavebot, m.gogc = f[1], f[2], f[3]
	return m, nil
}

// answer is the measured process's next line, within d.
func (m *measured) answer(ctx context.Context, d time.Duration) (string, error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case line, ok := <-m.lines:
		if !ok {
			return "", errors.New("the measured process ended")
		}
		return line, nil
	case <-timer.C:
		return "", fmt.Errorf("the measured process did not answer within %v", d)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// tell sends the measured process a command and wants it done.
func (m *measured) tell(ctx context.Context, command string) error {
	if _, err := fmt.Fprintln(m.in, command); err != nil {
		return fmt.Errorf("tell the measured process %q: %w", command, err)
	}
	line, err := m.answer(ctx, 30*time.Second)
	if err == nil && line != okLine {
		err = errors.New(line)
	}
	if err != nil {
		return fmt.Errorf("tell the measured process %q: %w", command, err)
	}
	return nil
}

// profiler profiles the measured process into file while a run lasts:
// calling it starts the profile, and calling what it returns stops it.
func (m *measured) profiler(ctx context.Context, file string) func() (func() error, error) {
	return func() (func() error, error) {
		if err := m.tell(ctx, profileCommand+" "+file); err != nil {
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		return func() error { return m.tell(ctx, stopCommand) }, nil
	}
}

// stop ends the measured process: its standard input closes, and it is
// killed if it has not ended within ten seconds.
func (m *measured) stop() {
	m.in.Close()
	done := make(chan struct{})
	go func() {
		m.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-done
	}
}
