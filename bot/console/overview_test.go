package console

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wavebot/commands"
	"wavebot/commands/commandstest"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestRenderOverviews renders a KS lead's overviews of three waves of
// seven forvaltninger (commandstest.LeadsDay) as the console prints them,
// and compares them with testdata/TestRenderOverviews.golden.
func TestRenderOverviews(t *testing.T) {
	s, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clk := clock.NewFake(commandstest.Start)
	d, err := commands.New(commands.Config{Store: s, Clock: clk, Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Lang: "da", BootstrapAdmin: true, Local: Commands()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	contact := func(fv string) string { return strings.ToLower(fv) + "-kontakt" }
	for _, step := range commandstest.LeadsDay(3) {
		if step.Who == "clock" {
			day, _ := wave.ParseDate(step.Text)
			clk.Set(wave.Copenhagen().At(day, 12, 0))
			continue
		}
		who := "anna"
		if step.Who != "lead" {
			who = contact(step.Who)
		}
		text := commandstest.Mentions(step.Text, func(fv string) string { return "@" + contact(fv) })
		if r := d.Handle(ctx, commands.Request{Caller: commands.Caller{ID: who}, Text: text}); r.Refused {
			t.Fatalf("%s: %v", text, r.Lines)
		}
	}
	var b strings.Builder
	for _, command := range []string{"overview", "status BUF", "auth pending", "overdue", "overdue 2"} {
		b.WriteString("anna> " + command + "\n")
		Render(&b, d.Handle(ctx, commands.Request{Caller: commands.Caller{ID: "anna"}, Text: command}))
		b.WriteString("\n")
	}
	golden := filepath.Join("testdata", t.Name()+".golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("differs from %s (go test -update accepts it):\n%s", golden, b.String())
	}
}

// pictures answers every command with a picture.
type pictures struct{ fakeCommands }

func (pictures) Handle(_ context.Context, req commands.Request) commands.Reply {
	return commands.Reply{Title: "Tidslinje", Image: &commands.Image{Name: "../tidslinje-b3.png", PNG: []byte("\x89PNG picture")}}
}

func (pictures) Digest(context.Context, notify.Digest) commands.Reply { return commands.Reply{} }

// TestPictureIsWritten: a reply's picture goes to a file in Files, named
// as the reply names it but never outside Files, and the console says
// where; the command runs in the console's channel.
func TestPictureIsWritten(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	c := &Console{Commands: pictures{}, Clock: clock.NewFake(commandstest.Start), Calendar: wave.Copenhagen(), As: "anna", Out: &out, Files: dir}
	if err := c.Run(context.Background(), strings.NewReader("timeline b3\n")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tidslinje-b3.png")
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "\x89PNG picture" {
		t.Fatalf("the picture in %s: %q %v", path, got, err)
	}
	if !strings.Contains(out.String(), "The picture is saved in "+path+".") {
		t.Errorf("output %q", out.String())
	}
}
