package commands

import "fmt"

// Request is one command from a person, as an adapter hands it over.
type Request struct {
	Caller Caller
	// Text is the command line: "status b3/BUF".
	Text string
	// Channel is the channel the command was typed in, when others read
	// it there (a Slack channel, a Teams channel or group chat); nil in a
	// direct message. subscribe posts the wave's milestones there.
	Channel *Channel
}

// Channel is a conversation many people read, as its adapter knows it.
type Channel struct {
	// ID names the channel as a recipient of reminders: the platform, a
	// colon and '#', then the platform's own id ("slack:#C0123"); no
	// person's id looks like it.
	ID string
	// Name is how people know the channel ("#bølge-3"); empty when the
	// platform did not say.
	Name string
	// Address is how the adapter posts there later, as it wants it
	// stored: a Slack channel id, a Teams conversation reference.
	Address string
}

// Caller is who sent a request. ID is the person's stable id: a plain name
// in the console, "slack:U123" or "teams:<id>" in chat.
type Caller struct {
	ID   string
	Name string
}

// Reply is a platform-neutral answer. Each adapter renders it: Block Kit on
// Slack, an Adaptive Card on Teams, text in the console.
type Reply struct {
	// Command names the command that answered ("status", "auth ok"), or
	// "reminder" for a reminder, "home" for a home page; empty when no
	// command was recognised.
	// Adapters use it to choose how to answer, never to change what is said.
	Command  string
	Title    string
	Lines    []string
	Fields   []Field
	Progress *Progress
	Sections []Section
	Actions  []Action
	// Image is a picture that belongs to the answer, such as a wave's
	// timeline; nil for most.
	Image *Image
	// Refused is set when the command was rejected and changed nothing.
	Refused bool
	// Lang is the language the reply is written in, for what an adapter
	// adds to it in its own words.
	Lang string
}

// Image is a PNG picture in a reply. Each adapter shows it its own way:
// Slack uploads it, Teams shows it in the card, the console writes it to
// a file.
type Image struct {
	// Name is a file name for it: "tidslinje-b3.png".
	Name string
	PNG  []byte
	// Alt says what it shows, for screen readers and notifications.
	Alt string
	// URL is a signed address the picture can be fetched from, for
	// platforms that show pictures by address; empty when the web pages
	// are not set up.
	URL string
}

// Field is a labelled value.
type Field struct {
	Label, Value string
}

// Progress is how far something has come: Done and Skipped of Total; the
// rest is open. Text says the same in words, in the reader's language
// ("2 færdige, 1 sprunget over, 6 åbne"), for renderers to show beside a bar.
type Progress struct {
	Done, Skipped, Total int
	Text                 string
}

// Cells divides a bar of width cells between the done, the skipped and
// the open activities, each share rounded down and the rest open.
func (p Progress) Cells(width int) (done, skipped, open int) {
	if p.Total > 0 {
		done = min(max(p.Done*width/p.Total, 0), width)
		skipped = min(max((p.Done+p.Skipped)*width/p.Total-done, 0), width-done)
	}
	return done, skipped, width - done - skipped
}

// Label is the progress in words when it has them, else done of total: 3/9.
func (p Progress) Label() string {
	if p.Text != "" {
		return p.Text
	}
	return fmt.Sprintf("%d/%d", p.Done, p.Total)
}

// Section is a titled part of a reply, such as one enrolment of a wave.
type Section struct {
	Title    string
	Progress *Progress
	Fields   []Field
	Lines    []string
}

// Action is a button: pressing it runs Command as the person who pressed
// it, or, when URL is set instead, opens that page in the browser.
type Action struct {
	Label   string
	Command string
	URL     string
}
