package dev.lofilora.cli;

import dev.lofilora.common.ConfigFiles;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every command has (docs/cli.md): {@code --json} and {@code --config}. Mixed into each subcommand. */
public final class CommonOptions {
    @Option(names = "--json", description = "Print a machine-readable JSON result on stdout (progress stays on stderr).")
    public boolean json;

    @Option(names = "--config", paramLabel = "<dir>",
            description = "Folder with config files to use instead of the embedded defaults (files missing there fall back to the defaults).")
    public Path configDir;

    @Option(names = "--no-progress", description = "Do not draw a progress bar on stderr.")
    public boolean noProgress;

    public ConfigFiles config() {
        return configDir == null ? ConfigFiles.defaults() : ConfigFiles.in(configDir);
    }
}
