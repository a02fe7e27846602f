package redis

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on what the tracking connection accepts from Redis: its answers
// are short, and a broken stream must not make it allocate without bound.
const (
	maxRESPBulk     = 1 << 20
	maxRESPElements = 1 << 16
	maxRESPDepth    = 8
)

// respPush is a RESP3 push message: Redis speaking unasked, such as
// ["invalidate", keys].
type respPush []any

// respError is an error reply.
type respError string

func (e respError) Error() string { return "redis: " + string(e) }

var errRESPLimit = errors.New("redis reply over the tracking connection's limits")

// writeCommand sends one command as an array of bulk strings.
func writeCommand(w *bufio.Writer, args ...string) error {
	fmt.Fprintf(w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(w, "$%d\r\n%s\r\n", len(a), a)
	}
	return w.Flush()
}

// readRESP reads one RESP3 value: a string (simple, bulk or verbatim),
// an int64, a bool, nil, a respError, an []any (array, set, or a map as
// key, value, key, value …) or a respPush. Attributes are skipped.
func readRESP(r *bufio.Reader) (any, error) { return readRESPAt(r, 0) }

func readRESPAt(r *bufio.Reader, depth int) (any, error) {
	if depth > maxRESPDepth {
		return nil, errRESPLimit
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("redis reply: bad line %q", line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return respError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '_':
		return nil, nil
	case '#':
		return body == "t", nil
	case ',', '(':
		return body, nil
	case '$', '=', '!':
		n, err := respLength(body, maxRESPBulk)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		if string(buf[n:]) != "\r\n" {
			return nil, fmt.Errorf("redis reply: bulk string of %d bytes not ended by CRLF", n)
		}
		s := string(buf[:n])
		switch kind {
		case '=': // verbatim: "txt:" and the text
			_, s, _ = strings.Cut(s, ":")
		case '!':
			return respError(s), nil
		}
		return s, nil
	case '*', '~', '>', '%', '|':
		n, err := respLength(body, maxRESPElements)
		if err != nil || n < 0 {
			return nil, err
		}
		if kind == '%' || kind == '|' {
			n *= 2
		}
		items := make([]any, 0, min(n, 64)) // grows with what arrives
		for range n {
			v, err := readRESPAt(r, depth+1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		switch kind {
		case '>':
			return respPush(items), nil
		case '|': // attributes precede the value they describe
			return readRESPAt(r, depth)
		}
		return items, nil
	}
	return nil, fmt.Errorf("redis reply: unknown type %q", kind)
}

// respLength reads a length of at most limit; -1 is RESP2's null.
func respLength(s string, limit int) (int, error) {
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("redis reply: bad length %q", s)
	case n > limit:
		return 0, errRESPLimit
	case n < -1:
		return 0, fmt.Errorf("redis reply: bad length %q", s)
	}
	return n, nil
}
