package slack

import (
	"errors"
	"net/http"
)

// Routes registers Slack's three HTTP endpoints on mux. With Socket Mode
// they are not registered: requests then come over the socket.
func (b *Bot) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/commands", b.serveCommand)
	mux.HandleFunc("POST /slack/events", b.serveEvent)
	mux.HandleFunc("POST /slack/interactions", b.serveInteraction)
}

// errOtherWorkspace answers a request signed by Slack for another
// workspace than the installation's.
const errOtherWorkspace = "slack: this wavebot serves another workspace"

// verified reads a request's body and checks it was signed by Slack.
// A request that was not is answered here (401, or 413 for a body over
// MaxBody) and runs nothing.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := b.verify.read(w, r)
	switch {
	case err == nil:
		return body, true
	case errors.Is(err, errTooLarge):
		b.rejected(RejectTooLarge)
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
	case errors.Is(err, errMissingHeaders):
		b.rejected(RejectMissingHeaders)
		http.Error(w, err.Error(), http.StatusUnauthorized)
	case errors.Is(err, errBadTimestamp):
		b.rejected(RejectStale)
		http.Error(w, err.Error(), http.StatusUnauthorized)
	case errors.Is(err, errBadSignature):
		b.rejected(RejectBadSignature)
		http.Error(w, err.Error(), http.StatusUnauthorized)
	default:
		b.rejected(RejectUnreadable)
		http.Error(w, "slack: could not read the request", http.StatusBadRequest)
	}
	b.log.Info("slack: request refused", "path", r.URL.Path, "err", err)
	return nil, false
}
