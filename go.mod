module wavebot

go 1.26.8

require (
	github.com/rickar/cal/v2 v2.1.13
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	go.etcd.io/bbolt v1.4.3 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
