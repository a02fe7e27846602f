package commands

// Request is one command from a person, as an adapter hands it over.
type Request struct {
	Caller Caller
	// Text is the command line: "status b3/BUF".
	Text string
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
	// Refused is set when the command was rejected and changed nothing.
	Refused bool
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
