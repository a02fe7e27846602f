package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestComposeFile: deploy/compose.yaml runs two replicas of the image
// with health checks against a Redis 7 that keeps every write in its
// append-only file and never evicts; the replicas' settings come from an
// env file git ignores, whose example names only variables wavebot reads
// and passes wavebot's own checks.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string
			Command     []string
			EnvFile     string `yaml:"env_file"`
			Environment map[string]string
			Deploy      struct{ Replicas int }
			Healthcheck struct{ Test []string }
			DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
			StopGrace   string                                `yaml:"stop_grace_period"`
		}
	}
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	redis, bot := c.Services["redis"], c.Services["wavebot"]
	cmd := strings.Join(redis.Command, " ")
	for _, want := range []string{"--appendonly yes", "--appendfsync always", "--maxmemory-policy noeviction"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("redis runs %q, without %s", cmd, want)
		}
	}
	if !strings.HasPrefix(redis.Image, "redis:7") || len(redis.Healthcheck.Test) == 0 {
		t.Errorf("redis: image %q, health check %v", redis.Image, redis.Healthcheck.Test)
	}
	if bot.Deploy.Replicas != 2 || !slices.Equal(bot.Healthcheck.Test, []string{"CMD", "/usr/local/bin/wavebot", "health"}) ||
		bot.DependsOn["redis"].Condition != "service_healthy" || bot.StopGrace == "" {
		t.Errorf("wavebot service: %+v", bot)
	}
	if bot.Environment["WAVEBOT_REDIS_URL"] != "redis://redis:6379/0" || bot.EnvFile != "wavebot.env" {
		t.Errorf("wavebot's Redis %q and env file %q", bot.Environment["WAVEBOT_REDIS_URL"], bot.EnvFile)
	}
	if out, err := exec.Command("git", "check-ignore", "-q", filepath.Join("..", "..", "deploy", bot.EnvFile)).CombinedOutput(); err != nil {
		t.Errorf("git does not ignore deploy/%s: %v %s", bot.EnvFile, err, out)
	}

	f, err := os.Open(filepath.Join("..", "..", "deploy", bot.EnvFile+".example"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := []string{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			vars = append(vars, line)
		}
	}
	for k, v := range bot.Environment {
		vars = append(vars, k+"="+v)
	}
	// As written, the example is refused for its placeholder alone; with
	// the secret made as it says, it passes the checks.
	if _, err := loadConfig(env(vars...)); err == nil || strings.Count(err.Error(), "\n") != 0 ||
		!strings.HasPrefix(err.Error(), "WAVEBOT_LINK_SECRET: is the example file's placeholder") {
		t.Errorf("the example as written: %v, want its placeholder refused, and nothing else", err)
	}
	for i, kv := range vars {
		if strings.HasPrefix(kv, "WAVEBOT_LINK_SECRET=") {
			vars[i] = "WAVEBOT_LINK_SECRET=q5Zc0pJ9m4ZcJ2u3o0r3sJq0o1T9c8Vd1bPq2vR6WnE="
		}
	}
	cfg, err := loadConfig(env(vars...))
	if err != nil {
		t.Fatalf("the example does not pass the checks: %v", err)
	}
	known := map[string]bool{}
	for _, s := range cfg.settings() {
		known[s[0]] = true
	}
	for _, kv := range vars {
		if name, _, _ := strings.Cut(kv, "="); !known[name] {
			t.Errorf("the example sets %s, which wavebot does not read", name)
		}
	}
}
