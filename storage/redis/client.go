package redis

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Timeouts and pool of the client. A command against an unreachable Redis
// fails well within a second, so a chat user gets a clear answer instead of
// a spinner; the pool serves a busy replica without queueing.
const (
	dialTimeout  = 300 * time.Millisecond
	ioTimeout    = 400 * time.Millisecond
	poolTimeout  = 500 * time.Millisecond
	poolSize     = 64
	minIdleConns = 4
)

// NewClient builds a client from a URL of one of these forms:
//
//	redis://[user:password@]host:port[/db]                   one server
//	rediss://...                                             the same over TLS
//	redis://host:26379/db?master_name=NAME&addr=host2:26379  Sentinel: the sentinels and the master's name
//	redis+cluster://host:port?addr=host2:port                Cluster (rediss+cluster:// over TLS)
func NewClient(rawURL string) (goredis.UniversalClient, error) {
	o, err := options(rawURL)
	if err != nil {
		return nil, err
	}
	return goredis.NewUniversalClient(o), nil
}

// CheckURL reports what is wrong with a Redis URL, without connecting.
func CheckURL(rawURL string) error {
	_, err := options(rawURL)
	return err
}

// options reads a URL of one of NewClient's forms.
func options(rawURL string) (*goredis.UniversalOptions, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	scheme, cluster := strings.CutSuffix(u.Scheme, "+cluster")
	if scheme != "redis" && scheme != "rediss" {
		return nil, fmt.Errorf("redis url: scheme %q is not redis, rediss, redis+cluster or rediss+cluster", u.Scheme)
	}
	host := u.Hostname()
	port := u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	o := &goredis.UniversalOptions{
		Addrs:         []string{net.JoinHostPort(host, port)},
		IsClusterMode: cluster,
		DialTimeout:   dialTimeout, ReadTimeout: ioTimeout, WriteTimeout: ioTimeout, PoolTimeout: poolTimeout,
		// The store retries a failed call itself, knowing which calls are
		// safe to repeat (see call.go); the client must not.
		PoolSize: poolSize, MinIdleConns: minIdleConns, MaxRetries: -1,
		DialerRetries: 2, DialerRetryTimeout: 50 * time.Millisecond,
	}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		if o.DB, err = strconv.Atoi(db); err != nil || o.DB < 0 {
			return nil, fmt.Errorf("redis url: database %q is not a number", db)
		}
	}
	for k, vs := range u.Query() {
		switch k {
		case "master_name":
			o.MasterName = vs[len(vs)-1]
		case "addr":
			o.Addrs = append(o.Addrs, vs...)
		default:
			return nil, fmt.Errorf("redis url: unknown parameter %q", k)
		}
	}
	if o.MasterName != "" {
		o.SentinelUsername, o.SentinelPassword = o.Username, o.Password
	}
	if scheme == "rediss" {
		o.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	if len(o.Addrs) > 1 && o.MasterName == "" && !cluster {
		return nil, fmt.Errorf("redis url: several addresses need master_name (Sentinel) or the redis+cluster scheme")
	}
	return o, nil
}
