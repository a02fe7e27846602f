package wave

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnknownStep reports a workflow step the template does not have.
var ErrUnknownStep = errors.New("wave: unknown workflow step")

// Workflow is a forvaltning's track through implementing KØR workflow (part 2
// of the source): the template's steps and which are done.
type Workflow struct {
	FV    string         `json:"fv"`
	Steps []WorkflowStep `json:"steps"`
	// Version counts committed changes; the store sets it.
	Version int64 `json:"version"`
}

// WorkflowStep is one step of the track.
type WorkflowStep struct {
	Key     string    `json:"key"`
	TitleDA string    `json:"title_da"`
	TitleEN string    `json:"title_en"`
	Owner   Party     `json:"owner"`
	Done    bool      `json:"done"`
	DoneBy  string    `json:"done_by,omitempty"`
	DoneAt  time.Time `json:"done_at,omitzero"`
}

// Title returns the step's title in lang.
func (s WorkflowStep) Title(lang string) string {
	if lang == "en" {
		return s.TitleEN
	}
	return s.TitleDA
}

// NewWorkflow returns the track of forvaltning fv with no step done.
func NewWorkflow(fv string, t Template) Workflow {
	w := Workflow{FV: fv}
	for _, s := range t.Workflow {
		w.Steps = append(w.Steps, WorkflowStep{Key: s.Key, TitleDA: s.TitleDA, TitleEN: s.TitleEN, Owner: s.Owner})
	}
	return w
}

// Step returns the step with key.
func (w *Workflow) Step(key string) (*WorkflowStep, error) {
	for i := range w.Steps {
		if w.Steps[i].Key == key {
			return &w.Steps[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownStep, key)
}

// Mark sets a step done or not done.
func (w *Workflow) Mark(key string, done bool, actor string, now time.Time) error {
	s, err := w.Step(key)
	if err != nil {
		return err
	}
	s.Done = done
	if done {
		s.DoneBy, s.DoneAt = actor, now
	} else {
		s.DoneBy, s.DoneAt = "", time.Time{}
	}
	return nil
}

// Progress counts done steps against all.
func (w *Workflow) Progress() (done, total int) {
	for _, s := range w.Steps {
		if s.Done {
			done++
		}
	}
	return done, len(w.Steps)
}
