package web

import (
	"errors"
	"net/http"
	"strings"

	"wavebot/commands"
	"wavebot/internal/catalog"
)

// Two things chat links to that are not pages: a wave's timeline as a
// picture, for platforms that show pictures by address (Teams), and a
// person's calendar feed, which calendar clients fetch on their own.

// timeline serves the picture of the link's wave, drawn now in the
// person's language.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request, v visit) {
	png, err := s.core.TimelineImage(r.Context(), v.link.Person, v.link.Wave)
	if err != nil {
		// The wave is gone, or drawing failed (which the dispatcher logs):
		// the page says which, in the person's language.
		reply := s.core.Refusal(v.lang, err)
		p := messagePage{base: base{Lang: v.lang, Title: catalog.PageErrorTitle.In(v.lang), Static: s.links.Base() + "/static"}, Lines: reply.Lines[:1]}
		s.render(w, "message.html", http.StatusNotFound, p)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
}

// serveCalendar serves GET /calendar/TOKEN.ics: the feed whose token it
// is, as text/calendar; 404 for any other.
func (s *Server) serveCalendar(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.fail(w, r, "", http.StatusNotFound, catalog.CalendarNotFound)
		return
	}
	feed, err := s.core.CalendarFeed(r.Context(), token)
	switch {
	case errors.Is(err, commands.ErrNoCalendar):
		s.fail(w, r, "", http.StatusNotFound, catalog.CalendarNotFound)
		return
	case err != nil:
		s.log.Error("calendar feed", "err", err)
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="wavebot.ics"`)
	w.Write(feed)
}
