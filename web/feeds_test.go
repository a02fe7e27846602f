package web

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wavebot/internal/ical/icaltest"
)

// TestTimelinePicture: the timeline's signed link serves the picture; an
// expired link says how to get a new one.
func TestTimelinePicture(t *testing.T) {
	w := newWorld(t)
	r := w.do("maria: timeline b3")
	if r.Image == nil || !strings.HasPrefix(r.Image.URL, w.srv.URL+"/p/") {
		t.Fatalf("no signed address: %+v", r.Image)
	}
	res, err := http.Get(r.Image.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	img, err := png.Decode(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || err != nil || img.Bounds().Dx() != 1080 {
		t.Errorf("GET the picture: %d %s %v", res.StatusCode, res.Header.Get("Content-Type"), err)
	}
	w.clock.Advance(25 * time.Hour)
	code, body := get(t, r.Image.URL)
	if code != http.StatusGone || !strings.Contains(body, "timeline b3") {
		t.Errorf("an expired link: %d %s", code, body)
	}
}

// TestCalendarFeedServed: the address "calendar" gives serves the feed as
// text/calendar that parses back; after a reset the old address is 404.
func TestCalendarFeedServed(t *testing.T) {
	w := newWorld(t)
	address := w.link("maria: calendar")
	if !strings.HasPrefix(address, w.srv.URL+"/calendar/") || !strings.HasSuffix(address, ".ics") {
		t.Fatalf("address %s", address)
	}
	res, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("GET the feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := icaltest.Events(t, icaltest.Parse(t, b.Bytes()))
	found := false
	for _, e := range events {
		found = found || (e.UID == "b3.BUF.auth-feedback@wavebot" && e.Day == "2027-02-15")
	}
	if !found {
		t.Errorf("maria's feed lacks the feedback deadline: %+v", events)
	}
	w.do("maria: calendar reset")
	if code, _ := get(t, address); code != http.StatusNotFound {
		t.Errorf("the old address after a reset: %d", code)
	}
	for _, bad := range []string{"/calendar/x.ics", "/calendar/bWFyaWE.abc.ics", "/calendar/" + strings.Repeat("a", 5000) + ".ics", "/calendar/nothing"} {
		if code, _ := get(t, w.srv.URL+bad); code != http.StatusNotFound {
			t.Errorf("GET %s: %d", bad, code)
		}
	}
}

// FuzzCalendar sends the feeds' endpoint any path: nothing may panic or
// fail inside, and only the one real address serves a feed.
func FuzzCalendar(f *testing.F) {
	w := newWorld(f)
	address := w.link("maria: calendar")
	real := strings.TrimPrefix(address, w.srv.URL)
	handler := w.srv.Config.Handler
	for _, seed := range []string{real, "/calendar/.ics", "/calendar/%2e%2e.ics", "/calendar/bWFyaWE..ics", real + "x", "/calendar/" + strings.Repeat("é", 300) + ".ics"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://wavebot.test"+path, nil)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		if rec.Code == http.StatusOK && strings.HasPrefix(req.URL.Path, "/calendar/") && req.URL.Path != real {
			t.Fatalf("GET %s serves a feed", path)
		}
	})
}

// FuzzTimeline sends the picture's link any suffix: nothing may panic or
// fail inside.
func FuzzTimeline(f *testing.F) {
	w := newWorld(f)
	link := w.do("anna: timeline b3").Image.URL
	tok := token(f, link)
	handler := w.srv.Config.Handler
	for _, seed := range []string{"", "/x", "/../x", "x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, suffix string) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://wavebot.test/p/"+tok+suffix, nil)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d", suffix, rec.Code)
		}
	})
}
