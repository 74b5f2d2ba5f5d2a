module github.com/lanes-go/lanes/cmd/lanes

go 1.26.0
