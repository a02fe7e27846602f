package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// child is "wavebot serve" in a process of its own.
type child struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan error
}

// startChild runs this test binary as wavebot serve with only vars for
// configuration, and waits until it listens.
func startChild(t *testing.T, vars ...string) *child {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "serve")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WAVEBOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append(vars, "WAVEBOT_TEST_AS_MAIN=1", "WAVEBOT_LISTEN="+addr)...)
	c := &child{cmd: cmd, base: "http://" + addr, log: newSyncBuffer(), done: make(chan error, 1)}
	cmd.Stderr = c.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
	})
	giveUp := time.After(20 * time.Second)
	for !strings.Contains(c.log.String(), `"msg":"listening"`) {
		select {
		case err := <-c.done:
			t.Fatalf("serve exited (%v) before listening:\n%s", err, c.log.String())
		case <-giveUp:
			t.Fatalf("serve is not listening:\n%s", c.log.String())
		case <-c.log.written:
		}
	}
	return c
}

// TestSIGTERMLosesNoAcceptedRequest: SIGTERM arrives while a burst of
// Teams messages is being answered, some of them held at the connector,
// and more come after it. Every request that was answered 200 has its wave
// stored and its reply at the connector; every wave stored was answered
// 200 (none ran and lost its answer); requests in flight at the signal
// finish after it; requests after it are refused; the process exits 0
// after closing the store.
func TestSIGTERMLosesNoAcceptedRequest(t *testing.T) {
	ms := newFakeMicrosoft(t)
	ms.hold = make(chan struct{})
	ms.arrived = make(chan struct{}, 100)
	release := sync.OnceFunc(func() { close(ms.hold) })
	t.Cleanup(release) // before the connector closes, which waits for its answers
	dir := t.TempDir()
	c := startChild(t, "WAVEBOT_DATA_DIR="+dir, "WAVEBOT_ADMINS=teams:"+testAnnaAAD,
		"WAVEBOT_TEAMS_APP_ID="+testAppID, "WAVEBOT_TEAMS_APP_PASSWORD=secret",
		"WAVEBOT_TEAMS_OPENID_METADATA_URL="+ms.srv.URL+"/openid", "WAVEBOT_TEAMS_TOKEN_URL="+ms.srv.URL+"/token")
	const burst, beforeSignal = 60, 30
	type result struct {
		code int
		err  error
		at   time.Time
	}
	results := make([]result, burst)
	var wg sync.WaitGroup
	send := func(from, to int) {
		for i := from; i < to; i++ {
			wg.Go(func() {
				code, err := ms.post(c.base, fmt.Sprintf("burst-%d", i), fmt.Sprintf("wave create w%02d 2027-02-01", i), time.Now().Add(time.Hour))
				results[i] = result{code, err, time.Now()}
			})
		}
	}
	send(0, beforeSignal)
	for range 10 { // ten replies wait at the connector; the rest are in flight
		select {
		case <-ms.arrived:
		case <-time.After(20 * time.Second):
			t.Fatalf("the requests do not reach the connector:\n%s", c.log.String())
		}
	}
	signalled := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(c.log.String(), `"msg":"stopping"`) {
		select {
		case <-c.log.written:
		case <-time.After(20 * time.Second):
			t.Fatalf("serve did not start stopping after SIGTERM:\n%s", c.log.String())
		}
	}
	send(beforeSignal, burst)
	release()
	wg.Wait()
	select {
	case err := <-c.done:
		c.done <- err
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, c.log.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not exit after SIGTERM:\n%s", c.log.String())
	}
	if !strings.Contains(c.log.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", c.log.String())
	}

	store, err := bolt.Open(dir, nil) // the child let go of the file
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	accepted, finishedAfterSignal := 0, 0
	for i, r := range results {
		_, stored := store.Wave(context.Background(), fmt.Sprintf("w%02d", i))
		switch {
		case r.err == nil && r.code == 200:
			accepted++
			if r.at.After(signalled) {
				finishedAfterSignal++
			}
			if stored != nil {
				t.Errorf("request %d was answered 200 but its wave is not stored: %v", i, stored)
			}
		case r.err == nil:
			t.Errorf("request %d answered %d", i, r.code)
		case stored == nil:
			t.Errorf("request %d ran but its answer was lost: %v", i, r.err)
		}
	}
	if got := len(ms.received()); got != accepted {
		t.Errorf("%d replies at the connector for %d accepted requests", got, accepted)
	}
	if finishedAfterSignal < 10 || accepted > beforeSignal {
		t.Errorf("%d of %d accepted, %d finished after the signal; want the ten held at the connector to finish after it, and none sent after it accepted",
			accepted, burst, finishedAfterSignal)
	}
	t.Logf("%d of %d requests accepted, %d of them finished after SIGTERM", accepted, burst, finishedAfterSignal)
}

// TestShutdownRecordsADeliveryInFlight: the service is told to stop while
// a reminder is at the connector; the delivery finishes, the ledger
// records it before the store closes, and the exit code is 0.
func TestShutdownRecordsADeliveryInFlight(t *testing.T) {
	ms := newFakeMicrosoft(t)
	dir := t.TempDir()
	vars := []string{"WAVEBOT_DATA_DIR=" + dir, "WAVEBOT_ADMINS=teams:" + testAnnaAAD,
		"WAVEBOT_TEAMS_APP_ID=" + testAppID, "WAVEBOT_TEAMS_APP_PASSWORD=secret",
		"WAVEBOT_TEAMS_OPENID_METADATA_URL=" + ms.srv.URL + "/openid", "WAVEBOT_TEAMS_TOKEN_URL=" + ms.srv.URL + "/token"}
	first := startServe(t, vars...)
	if code := ms.activity(t, first.base, "help", time.Now().Add(time.Hour)); code != 200 {
		t.Fatalf("help: %d", code)
	}
	first.stop()
	<-first.exited
	first.exited <- 0
	overdueForAnna(t, dir)

	// The connector keeps the reminder until the service is stopping.
	ms.hold, ms.arrived = make(chan struct{}), make(chan struct{}, 10)
	release := sync.OnceFunc(func() { close(ms.hold) })
	t.Cleanup(release)
	s := startServe(t, vars...)
	select {
	case <-ms.arrived:
	case <-time.After(20 * time.Second):
		t.Fatalf("no reminder reached the connector:\n%s", s.log.String())
	}
	s.stop() // as SIGTERM does
	s.waitFor(t, `"msg":"stopping"`)
	release()
	if code := <-s.exited; code != 0 {
		t.Fatalf("exit %d:\n%s", code, s.log.String())
	}
	s.exited <- 0
	log := s.log.String()
	prefix := `"msg":"reminder delivered","key":"`
	i := strings.Index(log, prefix)
	if i < 0 || strings.Index(log, `"msg":"stopped"`) < i {
		t.Fatalf("the delivery in flight was not finished before the stop:\n%s", log)
	}
	key := log[i+len(prefix):]
	key = key[:strings.Index(key, `"`)]
	store, err := bolt.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	claim, err := store.ClaimRecipient(context.Background(), storage.LaneRequest{Recipient: "teams:" + testAnnaAAD, Token: "t", Lease: time.Minute, Keys: []string{key}})
	if err != nil || claim.States[0].Outcome != storage.Delivered {
		t.Errorf("the ledger holds %s as %+v (%v), want delivered", key, claim.States, err)
	}
}

// overdueForAnna makes teams:anna the contact of an enrolment whose
// authorization feedback is ten business days overdue, through the
// console on data directory dir. She was admin when she wrote, and a KS
// person is nobody's contact, so kim, the console's admin, makes her a
// viewer first; WAVEBOT_ADMINS makes her admin again when she next writes.
func overdueForAnna(t *testing.T, dir string) {
	t.Helper()
	cal := wave.Copenhagen()
	today := cal.Today(time.Now())
	// Set up forty days ago: the wave started five business days ago, the
	// feedback was due five business days before that.
	runConsoleSession(t, env("WAVEBOT_DATA_DIR="+dir), []string{"--as", "kim", "--now", today.AddDays(-40).String()},
		fmt.Sprintf("wave create b3 %[1]s\nwave enroll b3 BUF\nrole @teams:%[2]s viewer\ncontact b3/BUF @teams:%[2]s\nauth request b3/BUF %[3]s\n",
			cal.AddBusinessDays(today, -5), testAnnaAAD, cal.AddBusinessDays(today, -10)))
}
