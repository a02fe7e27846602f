package teams

import (
	"slices"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/internal/jsonquote"
)

// appendActivity appends act as encodeJSON's encoder writes it, byte for
// byte, for the activities the adapter sends: a message or an update of
// one, to a conversation, with cards and pictures. For anything else it
// returns b as it was and false, and the encoder writes it. Encoding/json took a twentieth of a Teams answer's time,
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
	o.account("from", act.From)
	o.conversation("conversation", act.Conversation)
	o.account("recipient", act.Recipient)
	o.str("text", act.Text)
	o.str("summary", act.Summary)
	o.field("suggestedActions")
	o.b = append(o.b, '{', '}')
	if len(act.Attachments) > 0 {
		if slices.ContainsFunc(act.Attachments, func(a schema.Attachment) bool { return !writtenByHand(a.Content) }) {
			return b, false
		}
		o.field("attachments")
		o.b = appendList(o.b, act.Attachments, appendAttachment)
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

// referenceJSON is a conversation reference as the adapter stores it:
// as encodeJSON's encoder writes it. Every message compares its sender's
// with the one stored.
func referenceJSON(ref schema.ConversationReference) string {
	o := object{b: append(make([]byte, 0, 512), '{')}
	o.str("activityId", ref.ActivityID)
	o.account("user", ref.User)
	o.account("bot", ref.Bot)
	o.conversation("conversation", ref.Conversation)
	o.str("channelId", ref.ChannelID)
	o.str("serviceUrl", ref.ServiceURL)
	return string(append(o.b, '}'))
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

// writtenByHand reports whether appendAttachment writes an attachment's
// content: a card, or none.
func writtenByHand(content any) bool {
	switch content.(type) {
	case nil, card:
		return true
	}
	return false
}

// appendAttachment writes an attachment whose content is writtenByHand.
func appendAttachment(b []byte, a schema.Attachment) []byte {
	o := object{b: append(b, '{')}
	o.str("contentType", a.ContentType)
	o.str("contentUrl", a.ContentURL)
	if c, ok := a.Content.(card); ok {
		o.field("content")
		o.b = appendCard(o.b, c)
	}
	o.str("name", a.Name)
	o.str("thumbnailUrl", a.ThumbnailURL)
	return append(o.b, '}')
}

func appendCard(b []byte, c card) []byte {
	o := object{b: append(b, '{')}
	o.text("type", c.Type)
	o.text("$schema", c.Schema)
	o.text("version", c.Version)
	o.field("body")
	o.b = appendElements(o.b, c.Body)
	if len(c.Actions) > 0 {
		o.field("actions")
		o.b = appendList(o.b, c.Actions, appendAction)
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
	return appendList(b, es, appendElement)
}

func appendElement(b []byte, e element) []byte {
	o := object{b: append(b, '{')}
	o.text("type", e.Type)
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
		o.b = appendList(o.b, e.Facts, appendFact)
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
	o := object{b: append(b, '{')}
	o.text("type", a.Type)
	o.text("title", a.Title)
	if a.Data != nil {
		o.field("data")
		data := object{b: append(o.b, '{')}
		data.text("command", a.Data.Command)
		o.b = append(data.b, '}')
	}
	o.str("url", a.URL)
	return append(o.b, '}')
}

func appendMSTeams(b []byte, m msTeams) []byte {
	o := object{b: append(b, '{')}
	o.str("width", m.Width)
	if len(m.Entities) > 0 {
		o.field("entities")
		o.b = appendList(o.b, m.Entities, appendMention)
	}
	return append(o.b, '}')
}

func appendFact(b []byte, f fact) []byte {
	o := object{b: append(b, '{')}
	o.text("title", f.Title)
	o.text("value", f.Value)
	return append(o.b, '}')
}

func appendMention(b []byte, m mention) []byte {
	o := object{b: append(b, '{')}
	o.text("type", m.Type)
	o.text("text", m.Text)
	o.field("mentioned")
	who := object{b: append(o.b, '{')}
	who.text("id", m.Mentioned.ID)
	who.text("name", m.Mentioned.Name)
	o.b = append(who.b, '}')
	return append(o.b, '}')
}

// appendList writes items as a JSON array, each as write writes it.
func appendList[T any](b []byte, items []T, write func([]byte, T) []byte) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = write(b, it)
	}
	return append(b, ']')
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

// text writes a string field.
func (o *object) text(name, v string) {
	o.field(name)
	o.b = jsonquote.Append(o.b, v, false)
}

// str writes a string field that encoding/json leaves out when empty.
func (o *object) str(name, v string) {
	if v != "" {
		o.text(name, v)
	}
}

// account writes an account field.
func (o *object) account(name string, a schema.ChannelAccount) {
	o.field(name)
	o.b = appendAccount(o.b, a)
}

// conversation writes a conversation field.
func (o *object) conversation(name string, c schema.ConversationAccount) {
	o.field(name)
	o.b = appendConversation(o.b, c)
}

// flag writes a boolean field that encoding/json leaves out when false.
func (o *object) flag(name string, v bool) {
	if v {
		o.field(name)
		o.b = append(o.b, "true"...)
	}
}
