package storage

import "context"

// pureRead marks a context whose reads decide nothing.
type pureRead struct{}

// PureRead marks ctx as serving a pure read, such as a status or an
// overview: nothing is changed or allowed on what is read under it, so
// a store may answer it from a replica's read cache, which can trail
// another replica's change by a moment. Every read under any other
// context, and every write, is decided on what the store holds: a role
// revoked through one replica is never accepted by another.
func PureRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, pureRead{}, true)
}

// IsPureRead reports whether ctx was marked by PureRead.
func IsPureRead(ctx context.Context) bool {
	v, _ := ctx.Value(pureRead{}).(bool)
	return v
}
