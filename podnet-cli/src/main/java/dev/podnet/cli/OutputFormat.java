package dev.podnet.cli;

/** The {@code --output} choices; each command accepts the ones it lists. */
enum OutputFormat {
    text, json, yaml, html
}
