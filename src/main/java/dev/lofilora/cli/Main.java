package dev.lofilora.cli;

import dev.lofilora.common.Interruption;
import dev.lofilora.common.LofiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lofi} launcher. Each subcommand is a small class that parses its options, calls the public engine
 * class that does the work (the same call an embedding JVM tool makes) and renders the result.
 */
@Command(name = "lofi",
        mixinStandardHelpOptions = true,
        version = Main.VERSION,
        description = {
                "From a folder of licensed lofi tracks to a trained ACE-Step v1 LoRA.",
                "",
                "Exit codes: 0 all good; 1 some items failed (see the report); 2 usage or configuration error; 3 internal error; 130 interrupted (Ctrl-C: temporary files are removed, finished outputs kept)."
        },
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                ProcessCommand.class,
                PromptsCommand.class,
                DatasetCommand.class,
                PreprocessCommand.class,
                ReconstructCommand.class,
                GenerateCommand.class,
                ConformanceCommand.class,
                InspectModelCommand.class,
                ListenCommand.class,
                ValidateCommand.class,
                ConvertCheckpointCommand.class,
                SourcesCommand.class,
                TrainCommand.class, ExportLoraCommand.class, PlanMemoryCommand.class,
                MergeCommand.class, ExportOnnxCommand.class,
        })
public final class Main implements Runnable {
    static final String VERSION = "lofi-lora 0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // Ctrl-C (exit 130) and kill (143) run this hook: it removes temporary files and says what was kept.
        Interruption.install(System.err);
        int code = execute(args);
        Interruption.finished();
        System.exit(code);
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof LofiException le && !le.internal()) {
                cmd.getErr().println("error: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            cmd.getErr().println("internal error: " + (ex instanceof LofiException ? ex.getMessage() : ex));
            ex.printStackTrace(cmd.getErr());
            return ExitCodes.INTERNAL;
        });
        CommandRun.decorate(cli, VERSION);
        return cli;
    }
}
