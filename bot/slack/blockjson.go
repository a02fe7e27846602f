package slack

import (
	"strconv"

	slackgo "github.com/slack-go/slack"

	"wavebot/internal/jsonquote"
)

// appendMessage appends m as encodeTo's JSON encoder writes it, byte for
// byte, newline included, for the blocks render makes: headers,
// sections, dividers, buttons and context lines. It reports false, having
// appended nothing useful, for anything else, which the encoder then
// writes. Encoding/json takes a sixth of a status answer's time on these
// blocks: it walks them by reflection and, for buttons and context
// lines, has slack-go marshal them again and then checks that output.
func appendMessage(b []byte, m message) ([]byte, bool) {
	b = append(b, '{')
	if m.ResponseType != "" {
		b = append(b, `"response_type":`...)
		b = jsonquote.Append(b, m.ResponseType, false)
		b = append(b, ',')
	}
	b = append(b, `"replace_original":`...)
	b = strconv.AppendBool(b, m.ReplaceOriginal)
	if m.ThreadTS != "" {
		b = append(b, `,"thread_ts":`...)
		b = jsonquote.Append(b, m.ThreadTS, false)
	}
	b = append(b, `,"text":`...)
	b = jsonquote.Append(b, m.Text, false)
	b = append(b, `,"blocks":`...)
	if m.Blocks == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, blk := range m.Blocks {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendBlock(b, blk); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	return append(b, '}', '\n'), true
}

func appendBlock(b []byte, blk slackgo.Block) ([]byte, bool) {
	switch blk := blk.(type) {
	case *slackgo.HeaderBlock:
		b = appendType(b, string(blk.Type))
		if blk.Text != nil {
			b = append(b, `,"text":`...)
			b = appendText(b, blk.Text, false)
		}
		b = appendBlockID(b, blk.BlockID)
		if blk.Level != 0 {
			b = append(b, `,"level":`...)
			b = strconv.AppendInt(b, int64(blk.Level), 10)
		}
	case *slackgo.SectionBlock:
		if blk.Accessory != nil {
			return b, false
		}
		b = appendType(b, string(blk.Type))
		if blk.Text != nil {
			b = append(b, `,"text":`...)
			b = appendText(b, blk.Text, false)
		}
		b = appendBlockID(b, blk.BlockID)
		if len(blk.Fields) > 0 {
			b = append(b, `,"fields":[`...)
			for i, f := range blk.Fields {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendText(b, f, false)
			}
			b = append(b, ']')
		}
		if blk.Expand {
			b = append(b, `,"expand":true`...)
		}
	case *slackgo.DividerBlock:
		b = appendType(b, string(blk.Type))
		b = appendBlockID(b, blk.BlockID)
	case *slackgo.ActionBlock:
		b = appendType(b, string(blk.Type))
		b = appendBlockID(b, blk.BlockID)
		b = append(b, `,"elements":`...)
		if blk.Elements == nil || blk.Elements.ElementSet == nil {
			b = append(b, "null"...)
			break
		}
		// slack-go marshals the elements with json.Marshal, which
		// escapes <, > and & in them.
		b = append(b, '[')
		for i, e := range blk.Elements.ElementSet {
			button, ok := e.(*slackgo.ButtonBlockElement)
			if !ok || button.Confirm != nil || button.VisibleToUserIDs != nil {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendButton(b, button)
		}
		b = append(b, ']')
	case *slackgo.ContextBlock:
		b = appendType(b, string(blk.Type))
		b = appendBlockID(b, blk.BlockID)
		b = append(b, `,"elements":`...)
		if blk.ContextElements.Elements == nil {
			b = append(b, "null"...)
			break
		}
		b = append(b, '[')
		for i, e := range blk.ContextElements.Elements {
			text, ok := e.(*slackgo.TextBlockObject)
			if !ok {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendText(b, text, true)
		}
		b = append(b, ']')
	default:
		return b, false
	}
	return append(b, '}'), true
}

// appendType opens an object with its type.
func appendType(b []byte, typ string) []byte {
	b = append(b, `{"type":`...)
	return jsonquote.Append(b, typ, false)
}

func appendBlockID(b []byte, id string) []byte {
	if id == "" {
		return b
	}
	b = append(b, `,"block_id":`...)
	return jsonquote.Append(b, id, false)
}

func appendText(b []byte, t *slackgo.TextBlockObject, escapeHTML bool) []byte {
	b = appendType(b, t.Type)
	b = append(b, `,"text":`...)
	b = jsonquote.Append(b, t.Text, escapeHTML)
	if t.Emoji != nil {
		b = append(b, `,"emoji":`...)
		b = strconv.AppendBool(b, *t.Emoji)
	}
	if t.Verbatim {
		b = append(b, `,"verbatim":true`...)
	}
	return append(b, '}')
}

// appendButton writes a button as json.Marshal does: <, > and & escaped.
func appendButton(b []byte, e *slackgo.ButtonBlockElement) []byte {
	b = append(b, '{')
	if e.Type != "" {
		b = append(b, `"type":`...)
		b = jsonquote.Append(b, string(e.Type), true)
		b = append(b, ',')
	}
	b = append(b, `"text":`...)
	if e.Text == nil {
		b = append(b, "null"...)
	} else {
		b = appendText(b, e.Text, true)
	}
	for _, f := range []struct{ name, value string }{
		{"action_id", e.ActionID}, {"url", e.URL}, {"value", e.Value}, {"style", string(e.Style)},
		{"accessibility_label", e.AccessibilityLabel}, {"agent_prompt", e.AgentPrompt}, {"agent_prompt_display", e.AgentPromptDisplay},
	} {
		if f.value != "" {
			b = append(b, `,"`...)
			b = append(b, f.name...)
			b = append(b, `":`...)
			b = jsonquote.Append(b, f.value, true)
		}
	}
	return append(b, '}')
}
