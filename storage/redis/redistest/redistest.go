// Package redistest gives tests a real Redis: the one WAVEBOT_TEST_REDIS_URL
// names, or a throwaway redis-server started on a free port in a temporary
// directory. It never skips: without either, tests fail and say how to
// install redis-server.
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Server is a redis-server process owned by a test.
type Server struct {
	Port int
	dir  string
	args []string
	cmd  *exec.Cmd
	// conf, when set, is a configuration file the server starts from
	// instead of the usual arguments: a sentinel's.
	conf string
	// ready is the log line that says the server is up.
	ready string
}

// URL is the server's redis:// address.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.Port) }

var (
	sharedOnce sync.Once
	shared     *Server
	sharedURL  string
	sharedErr  error
	prefixes   atomic.Int64

	clusterOnce sync.Once
	cluster     []*Server
	clusterURL  string
	clusterErr  error
)

// Main runs a package's tests and stops the shared servers afterwards;
// call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	for _, s := range append(cluster, shared) {
		if s != nil {
			s.Stop()
			os.RemoveAll(s.dir)
		}
	}
	os.Exit(code)
}

// URL returns the address of the shared test Redis, starting it on first
// use. Tests keep apart through Prefix, not through separate servers.
func URL(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() {
		if u := os.Getenv("WAVEBOT_TEST_REDIS_URL"); u != "" {
			sharedURL = u
			return
		}
		dir, err := os.MkdirTemp("", "wavebot-redis-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = start(dir, 0)
		if sharedErr == nil {
			sharedURL = shared.URL()
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedURL
}

// Prefix returns a key prefix no other test in this process uses.
func Prefix(t testing.TB) string {
	return fmt.Sprintf("test%d-%d:", os.Getpid(), prefixes.Add(1))
}

// Start runs a redis-server of the test's own, with extra configuration
// arguments such as "--appendonly", "yes"; it is stopped when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	s, err := start(t.TempDir(), 0, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func start(dir string, port int, args ...string) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("the Redis tests need a real Redis: install redis-server (Debian: apt-get install -y redis-server) or set WAVEBOT_TEST_REDIS_URL to a Redis they may write to")
	}
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	s := &Server{Port: port, dir: dir, args: args, ready: "Ready to accept connections"}
	return s, s.run(bin)
}

func (s *Server) run(bin string) error {
	argv := append([]string{"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--protected-mode", "no", "--daemonize", "no"}, s.args...)
	if s.conf != "" {
		argv = []string{s.conf, "--sentinel"}
	}
	s.cmd = exec.Command(bin, argv...)
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.Contains(sc.Text(), s.ready) {
				ready <- true
				signalled = true
			}
		}
		if !signalled {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			return fmt.Errorf("redis-server on port %d exited before it was ready", s.Port)
		}
	case <-time.After(10 * time.Second):
		s.Stop()
		return fmt.Errorf("redis-server on port %d did not become ready in 10s", s.Port)
	}
	return nil
}

// Stop kills the server, as a crash would.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Shutdown stops the server the orderly way (SHUTDOWN, which syncs the
// append-only file).
func (s *Server) Shutdown(t testing.TB) {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.Port)})
	defer c.Close()
	c.Shutdown(context.Background()) // the connection drops; the error says nothing
	if s.cmd != nil {
		s.cmd.Wait()
		s.cmd = nil
	}
}

// ConfigSet changes a setting of the running server as CONFIG SET does:
// with "--maxmemory-policy noeviction" among its arguments, maxmemory 1
// makes it full, refusing every write, and 0 gives it room again.
func (s *Server) ConfigSet(t testing.TB, name, value string) {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.Port)})
	defer c.Close()
	if err := c.ConfigSet(context.Background(), name, value).Err(); err != nil {
		t.Fatalf("CONFIG SET %s %s: %v", name, value, err)
	}
}

// Restart starts the server again on the same port and directory.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.run(bin); err != nil {
		t.Fatal(err)
	}
}

// Dir is the server's working directory, where its append-only file lives.
func (s *Server) Dir() string { return filepath.Clean(s.dir) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Eventually calls f until it succeeds or within has passed, and returns
// its last error: for waiting on a server that is coming back.
func Eventually(within time.Duration, f func() error) error {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := f()
		if err == nil {
			return nil
		}
		select {
		case <-deadline.C:
			return err
		case <-tick.C:
		}
	}
}

// ClusterURL returns the redis+cluster:// address of a real Redis Cluster
// of three masters shared by the package's tests, starting it on first use
// (redis-server --cluster-enabled, joined by redis-cli --cluster create).
func ClusterURL(t testing.TB) string {
	t.Helper()
	clusterOnce.Do(func() { clusterURL, clusterErr = startCluster(3) })
	if clusterErr != nil {
		t.Fatal(clusterErr)
	}
	return clusterURL
}

func startCluster(masters int) (string, error) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return "", fmt.Errorf("the cluster tests need redis-cli (Debian: apt-get install -y redis-server)")
	}
	var addrs []string
	for range masters {
		dir, err := os.MkdirTemp("", "wavebot-cluster-")
		if err != nil {
			return "", err
		}
		s, err := start(dir, 0, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000", "--appendonly", "no")
		if err != nil {
			return "", err
		}
		cluster = append(cluster, s)
		addrs = append(addrs, fmt.Sprintf("127.0.0.1:%d", s.Port))
	}
	create := exec.Command(cli, append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", "0", "--cluster-yes")...)
	if out, err := create.CombinedOutput(); err != nil {
		return "", fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	// The nodes agree on the slots within a few seconds.
	for _, addr := range addrs {
		c := goredis.NewClient(&goredis.Options{Addr: addr})
		err := Eventually(20*time.Second, func() error {
			info, err := c.ClusterInfo(context.Background()).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") {
				return fmt.Errorf("cluster on %s not ready: %s", addr, strings.SplitN(info, "\n", 2)[0])
			}
			return nil
		})
		c.Close()
		if err != nil {
			return "", err
		}
	}
	return "redis+cluster://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr="), nil
}

// Sentinel is a master, one replica of it and one sentinel watching them,
// each a redis-server of the test's own: the smallest setup in which
// Redis fails over by itself.
type Sentinel struct {
	Master, Replica, Sentinel *Server
	// Name is the name the sentinel knows the master by.
	Name string
}

// URL is the Sentinel form of the store's redis:// address.
func (s *Sentinel) URL() string {
	return fmt.Sprintf("redis://127.0.0.1:%d/0?master_name=%s", s.Sentinel.Port, s.Name)
}

// StartSentinel starts a master, a replica of it (which reaches the master
// at replicaOf, host:port; empty for the master's own address, a proxy's
// to put a slow link between them) and a sentinel that declares the
// master down after down and promotes the replica. It returns once the
// replica is in sync and the sentinel knows it. Everything is stopped
// when the test ends.
func StartSentinel(t testing.TB, down time.Duration, replicaOf func(masterPort int) string) *Sentinel {
	t.Helper()
	master := Start(t, "--appendonly", "no")
	target := fmt.Sprintf("127.0.0.1 %d", master.Port)
	if replicaOf != nil {
		host, port, _ := net.SplitHostPort(replicaOf(master.Port))
		target = host + " " + port
	}
	replica := Start(t, append([]string{"--replica-announce-ip", "127.0.0.1", "--replicaof"}, strings.Fields(target)...)...)
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "sentinel.conf")
	name := "wavebot"
	text := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor %s 127.0.0.1 %d 1\n"+
		"sentinel down-after-milliseconds %s %d\nsentinel failover-timeout %s 10000\nsentinel parallel-syncs %s 1\n",
		port, dir, name, master.Port, name, down.Milliseconds(), name, name)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal(err)
	}
	sentinel := &Server{Port: port, dir: dir, conf: conf, ready: "+monitor master"}
	if err := sentinel.run(bin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sentinel.Stop)
	ctx := context.Background()
	rc := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", replica.Port)})
	defer rc.Close()
	sc := goredis.NewSentinelClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer sc.Close()
	err = Eventually(30*time.Second, func() error {
		info, err := rc.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "master_link_status:up") {
			return fmt.Errorf("replica not in sync: %s", info)
		}
		replicas, err := sc.Replicas(ctx, name).Result()
		if err != nil {
			return err
		}
		if len(replicas) != 1 || replicas[0]["flags"] != "slave" {
			return fmt.Errorf("the sentinel knows replicas %v", replicas)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Sentinel{Master: master, Replica: replica, Sentinel: sentinel, Name: name}
}
