package teams

import (
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/internal/jsontext"
)

// appendActivity appends act as encodeJSON's encoder writes it, byte for
// byte, for the activities the adapter sends: a message or an update of
// one, to a conversation, with cards and pictures. It reports false,
// having appended nothing useful, for anything else, which the encoder
// then writes. Encoding/json took a twentieth of a Teams answer's time,
// most of it walking the card and the library's activity, with its many
// fields, by reflection.
func appendActivity(b []byte, act schema.Activity) ([]byte, bool) {
	if !onlyWrittenByHand(act) {
		return b, false
	}
	o := object{b: append(b, '{')}
	o.str("type", string(act.Type))
	o.str("id", act.ID)
	o.field("timestamp")
	o.b = append(o.b, zeroTime...)
	o.field("localTimestamp")
	o.b = append(o.b, zeroTime...)
	o.str("serviceUrl", act.ServiceURL)
	o.str("channelId", act.ChannelID)
	o.field("from")
	o.b = appendAccount(o.b, act.From)
	o.field("conversation")
	o.b = appendConversation(o.b, act.Conversation)
	o.field("recipient")
	o.b = appendAccount(o.b, act.Recipient)
	o.str("text", act.Text)
	o.str("summary", act.Summary)
	o.field("suggestedActions")
	o.b = append(o.b, '{', '}')
	if len(act.Attachments) > 0 {
		o.field("attachments")
		o.b = append(o.b, '[')
		for i, a := range act.Attachments {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			var ok bool
			if o.b, ok = appendAttachment(o.b, a); !ok {
				return o.b, false
			}
		}
		o.b = append(o.b, ']')
	}
	o.str("replyToId", act.ReplyToID)
	o.field("relatesTo")
	o.b = append(o.b, `{"user":{},"bot":{},"conversation":{}}`...)
	o.field("expiration")
	o.b = append(o.b, zeroTime...)
	o.field("semanticAction")
	o.b = append(o.b, '{', '}')
	return append(o.b, '}'), true
}

// zeroTime is the zero time.Time as encoding/json writes it.
const zeroTime = `"0001-01-01T00:00:00Z"`

// onlyWrittenByHand reports whether act sets no field but those
// appendActivity writes.
func onlyWrittenByHand(act schema.Activity) bool {
	var zero time.Time
	return act.Timestamp == zero && act.LocalTimestamp == zero && act.Expiration == zero &&
		act.LocalTimezone == "" && act.CallerID == "" && act.TextFormat == "" && act.AttachmentLayout == "" &&
		len(act.MembersAdded) == 0 && len(act.MembersRemoved) == 0 && len(act.ReactionsAdded) == 0 && len(act.ReactionsRemoved) == 0 &&
		act.TopicName == "" && !act.HistoryDisclosed && act.Locale == "" && act.Speak == "" && act.InputHint == "" &&
		len(act.SuggestedActions.To) == 0 && len(act.SuggestedActions.Actions) == 0 &&
		len(act.Entities) == 0 && len(act.ChannelData) == 0 && act.Action == "" && act.Label == "" && act.ValueType == "" &&
		len(act.Value) == 0 && act.Name == "" && act.RelatesTo == (schema.ConversationReference{}) && act.Code == "" &&
		act.Importance == "" && act.DeliveryMode == "" && len(act.ListenFor) == 0 && len(act.TextHighlights) == 0 &&
		act.SemanticAction.State == "" && act.SemanticAction.ID == "" && len(act.SemanticAction.Entities) == 0
}

func appendAccount(b []byte, a schema.ChannelAccount) []byte {
	o := object{b: append(b, '{')}
	o.str("id", a.ID)
	o.str("name", a.Name)
	o.str("aadObjectId", a.AadObjectID)
	o.str("role", string(a.Role))
	return append(o.b, '}')
}

func appendConversation(b []byte, c schema.ConversationAccount) []byte {
	o := object{b: append(b, '{')}
	if c.IsGroup {
		o.field("isGroup")
		o.b = append(o.b, "true"...)
	}
	o.str("conversationType", c.ConversationType)
	o.str("tenantId", c.TenantID)
	o.str("id", c.ID)
	o.str("name", c.Name)
	o.str("aadObjectId", c.AadObjectID)
	o.str("role", string(c.Role))
	return append(o.b, '}')
}

// appendAttachment writes an attachment holding a card or nothing; false
// for other content.
func appendAttachment(b []byte, a schema.Attachment) ([]byte, bool) {
	o := object{b: append(b, '{')}
	o.str("contentType", a.ContentType)
	o.str("contentUrl", a.ContentURL)
	switch c := a.Content.(type) {
	case nil:
	case card:
		o.field("content")
		o.b = appendCard(o.b, c)
	default:
		return o.b, false
	}
	o.str("name", a.Name)
	o.str("thumbnailUrl", a.ThumbnailURL)
	return append(o.b, '}'), true
}

func appendCard(b []byte, c card) []byte {
	o := object{b: append(b, '{')}
	o.field("type")
	o.b = jsontext.AppendString(o.b, c.Type, false)
	o.field("$schema")
	o.b = jsontext.AppendString(o.b, c.Schema, false)
	o.field("version")
	o.b = jsontext.AppendString(o.b, c.Version, false)
	o.field("body")
	o.b = appendElements(o.b, c.Body)
	if len(c.Actions) > 0 {
		o.field("actions")
		o.b = append(o.b, '[')
		for i, a := range c.Actions {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendAction(o.b, a)
		}
		o.b = append(o.b, ']')
	}
	o.str("fallbackText", c.FallbackText)
	if c.MSTeams != nil {
		o.field("msteams")
		o.b = appendMSTeams(o.b, *c.MSTeams)
	}
	return append(o.b, '}')
}

// appendElements writes a list of elements; nil is null, as encoding/json
// writes a nil slice.
func appendElements(b []byte, es []element) []byte {
	if es == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendElement(b, e)
	}
	return append(b, ']')
}

func appendElement(b []byte, e element) []byte {
	o := object{b: append(b, '{')}
	o.field("type")
	o.b = jsontext.AppendString(o.b, e.Type, false)
	o.str("text", e.Text)
	o.str("weight", e.Weight)
	o.str("size", e.Size)
	o.str("color", e.Color)
	o.flag("isSubtle", e.IsSubtle)
	o.flag("wrap", e.Wrap)
	o.str("spacing", e.Spacing)
	o.flag("separator", e.Separator)
	if len(e.Facts) > 0 {
		o.field("facts")
		o.b = append(o.b, '[')
		for i, f := range e.Facts {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = append(o.b, `{"title":`...)
			o.b = jsontext.AppendString(o.b, f.Title, false)
			o.b = append(o.b, `,"value":`...)
			o.b = jsontext.AppendString(o.b, f.Value, false)
			o.b = append(o.b, '}')
		}
		o.b = append(o.b, ']')
	}
	if len(e.Items) > 0 {
		o.field("items")
		o.b = appendElements(o.b, e.Items)
	}
	o.str("url", e.URL)
	o.str("altText", e.AltText)
	return append(o.b, '}')
}

func appendAction(b []byte, a action) []byte {
	b = append(b, `{"type":`...)
	b = jsontext.AppendString(b, a.Type, false)
	b = append(b, `,"title":`...)
	b = jsontext.AppendString(b, a.Title, false)
	if a.Data != nil {
		b = append(b, `,"data":{"command":`...)
		b = jsontext.AppendString(b, a.Data.Command, false)
		b = append(b, '}')
	}
	if a.URL != "" {
		b = append(b, `,"url":`...)
		b = jsontext.AppendString(b, a.URL, false)
	}
	return append(b, '}')
}

func appendMSTeams(b []byte, m msTeams) []byte {
	o := object{b: append(b, '{')}
	o.str("width", m.Width)
	if len(m.Entities) > 0 {
		o.field("entities")
		o.b = append(o.b, '[')
		for i, e := range m.Entities {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = append(o.b, `{"type":`...)
			o.b = jsontext.AppendString(o.b, e.Type, false)
			o.b = append(o.b, `,"text":`...)
			o.b = jsontext.AppendString(o.b, e.Text, false)
			o.b = append(o.b, `,"mentioned":{"id":`...)
			o.b = jsontext.AppendString(o.b, e.Mentioned.ID, false)
			o.b = append(o.b, `,"name":`...)
			o.b = jsontext.AppendString(o.b, e.Mentioned.Name, false)
			o.b = append(o.b, '}', '}')
		}
		o.b = append(o.b, ']')
	}
	return append(o.b, '}')
}

// object writes the fields of a JSON object, a comma between them.
type object struct {
	b    []byte
	some bool
}

func (o *object) field(name string) {
	if o.some {
		o.b = append(o.b, ',')
	}
	o.some = true
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

// str writes a string field that encoding/json leaves out when empty.
func (o *object) str(name, v string) {
	if v != "" {
		o.field(name)
		o.b = jsontext.AppendString(o.b, v, false)
	}
}

// flag writes a boolean field that encoding/json leaves out when false.
func (o *object) flag(name string, v bool) {
	if v {
		o.field(name)
		o.b = append(o.b, "true"...)
	}
}
