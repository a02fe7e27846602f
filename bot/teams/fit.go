package teams

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// maxActivity is the largest activity the bot sends, in bytes of its
// JSON as the connector receives it, mentions and attachments included:
// Teams refuses a message over about 28 KB, and 28,000 bytes is the
// stricter reading of that.
const maxActivity = 28000

// encodeJSON is v as the connector receives it: JSON as encoding/json
// writes it, but with <, > and & as they are. Teams reads either, and a
// mention's <at>…</at> then takes a byte a bracket instead of six. The
// activities the adapter sends are written by hand (appendActivity).
func encodeJSON(v any) ([]byte, error) {
	b := encodeBuffers.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= maxPooledBuffer {
			b.Reset()
			encodeBuffers.Put(b)
		}
	}()
	if act, ok := v.(schema.Activity); ok {
		if out, ok := appendActivity(b.AvailableBuffer(), act); ok {
			b.Write(out) // keeps the buffer as large as the activity, for the next one
			return bytes.Clone(b.Bytes()), nil
		}
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// encodeBuffers keeps encodeJSON's buffers between replies: a card is
// written into a buffer grown before, and copied out once, instead of
// into a buffer grown from nothing, doubling, every time.
var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept: room for any activity the
// connector takes, but not for a picture that will not fit anyway.
const maxPooledBuffer = 2 * maxActivity

// fitted says what fit had to do to an activity.
type fitted struct {
	// before is the activity's size as it came, in bytes.
	before int
	// picture is set when a picture sent inline was left out.
	picture bool
	// cut is set when the card lost elements from its end.
	cut bool
}

// fit returns the JSON of act within limit bytes. An activity within it
// goes as it is. Otherwise a picture sent inline is left out, the card
// saying so; when that is not enough, the card loses elements from its
// end, down to what fits with a line saying it was cut there, and keeps
// its buttons. The commands page long answers, so this is the last line
// of defence, for what a page could not foresee.
func fit(act schema.Activity, limit int) ([]byte, fitted, error) {
	body, err := encodeJSON(act)
	f := fitted{before: len(body)}
	if err != nil || len(body) <= limit {
		return body, f, err
	}
	act.Attachments = slices.DeleteFunc(slices.Clone(act.Attachments), func(a schema.Attachment) bool {
		inline := a.ContentType == "image/png" && strings.HasPrefix(a.ContentURL, "data:")
		f.picture = f.picture || inline
		return inline
	})
	i := slices.IndexFunc(act.Attachments, func(a schema.Attachment) bool { _, ok := a.Content.(card); return ok })
	if i < 0 {
		body, err = encodeJSON(act)
		return body, f, err
	}
	c := act.Attachments[i].Content.(card)
	if f.picture {
		c.Body = append(slices.Clone(c.Body), notice(c.pictureNotice))
		act.Attachments[i].Content = c
		if body, err = encodeJSON(act); err != nil || len(body) <= limit {
			return body, f, err
		}
	}
	f.cut = true
	whole := c.Body
	try := func(k, m int) ([]byte, error) {
		cut := c
		cut.Body = append(prefix(whole, k, m), notice(c.cutNotice))
		cut.MSTeams = mentionedIn(cut)
		act.Attachments[i].Content = cut
		return encodeJSON(act)
	}
	fits := func(k, m int) bool {
		b, err := try(k, m)
		return err == nil && len(b) <= limit
	}
	// The most whole elements that fit, then the most items of the next
	// one when it is a container.
	k := largest(0, len(whole), func(n int) bool { return fits(n, 0) })
	m := 0
	if k < len(whole) && len(whole[k].Items) > 1 {
		m = largest(0, len(whole[k].Items)-1, func(n int) bool { return fits(k, n) })
	}
	body, err = try(k, m)
	return body, f, err
}

// largest is the largest n in [lo, hi] for which ok holds, given that ok
// holds for every n below one it holds for; lo when it holds for none.
func largest(lo, hi int, ok func(int) bool) int {
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// prefix is the first k elements of body, and when m > 0, the next
// element with only its first m items.
func prefix(body []element, k, m int) []element {
	out := slices.Clone(body[:k])
	if m > 0 {
		part := body[k]
		part.Items = slices.Clone(part.Items[:m])
		out = append(out, part)
	}
	return out
}

// notice is a line a card ends with when fit changed it.
func notice(text string) element {
	return element{Type: "TextBlock", Text: text, Wrap: true, IsSubtle: true, Spacing: "Medium", Separator: true}
}

// mentionedIn is the card's Teams extensions with only the mentions its
// body still holds.
func mentionedIn(c card) *msTeams {
	if c.MSTeams == nil {
		return nil
	}
	text, _ := encodeJSON(c.Body)
	out := *c.MSTeams
	out.Entities = slices.DeleteFunc(slices.Clone(out.Entities), func(m mention) bool { return !bytes.Contains(text, []byte(m.Text)) })
	return &out
}
