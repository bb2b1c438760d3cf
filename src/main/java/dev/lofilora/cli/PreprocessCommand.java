package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.preprocess.PreprocessConfig;
import dev.lofilora.preprocess.PreprocessJob;
import dev.lofilora.preprocess.PreprocessResult;
import dev.lofilora.preprocess.TrackReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi preprocess}: the frozen encoders once per track → the per-track cache {@code lofi train} reads. */
@Command(name = "preprocess", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run ACE-Step's frozen encoders once per track of a dataset folder and write one cache file per track (<out>/<key>.safetensors): the DCAE latent [8, 16, T] of the audio, the UMT5 states of the prompt and of every variant in prompt_variants.json, and the lyric token ids. ACE-Step's audio rules apply: tracks shorter than 3 s are padded, tracks more than 95 %% silent are dropped, only the first 240 s are kept. Unchanged tracks are skipped, so an interrupted run resumes.",
                "",
                "Exit codes: 0 every track cached; 1 some tracks dropped or failed (see the report); 2 bad folder, model or option; 3 internal error."
        })
final class PreprocessCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<dir|tiny>",
            description = "An ACE-Step v1 checkpoint folder (music_dcae_f8c8/, music_vocoder/, umt5-base/) or 'tiny' (the built-in toy preset).")
    String model;

    @Option(names = "--data", paramLabel = "<dir>", defaultValue = "data/final",
            description = "The dataset folder lofi dataset wrote (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--out", paramLabel = "<dir>", defaultValue = "data/cache",
            description = "The cache folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--metadata", paramLabel = "<dir>", defaultValue = "data/metadata",
            description = "Where prompt_variants.json is read from (default: ${DEFAULT-VALUE}).")
    Path metadata;

    @Option(names = "--lyric-vocab", paramLabel = "<file>",
            description = "ACE-Step's lyric vocabulary (acestep/models/lyrics_utils/vocab.json). Default: lyric_vocab.json or vocab.json in the --model folder, else acestep/models/lyrics_utils/vocab.json inside or beside it.")
    Path lyricVocab;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "auto",
            description = "auto (CUDA when available), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--bf16-weights", paramLabel = "<auto|on|off>", defaultValue = "auto",
            description = "Round the frozen weights to bf16 as ACE-Step's trainer does; auto = on for a checkpoint folder, off for tiny (default: ${DEFAULT-VALUE}).")
    String bf16;

    @Option(names = "--force", description = "Re-encode tracks that already have a cache file, also one made by another model.")
    boolean force;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PreprocessConfig config = new PreprocessConfig(data, out, metadata, model, lyricVocab, device, bf16(bf16), force,
                common.config());
        PreprocessResult r = new PreprocessJob(config).run(ConsoleProgress.create(common));
        if (common.json) System.out.println(Json.toString(r));
        else print(r, System.out);
        return r.allCached() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    static Boolean bf16(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "on", "true", "yes" -> Boolean.TRUE;
            case "off", "false", "no" -> Boolean.FALSE;
            default -> throw new LofiException("--bf16-weights " + value + " is not auto, on or off", "see --help");
        };
    }

    static void print(PreprocessResult r, PrintStream o) {
        o.printf("%-32s %-10s %6s %8s %6s  %-12s %s%n", "track", "status", "T", "variants", "lyrics", "language", "notes");
        for (TrackReport t : r.tracks()) {
            String note = t.message() != null ? t.message() : String.join("; ", t.notes());
            o.printf("%-32s %-10s %6s %8s %6s  %-12s %s%n", shorten(t.key()), t.status().id(),
                    t.latentFrames() == null ? "" : t.latentFrames(), t.variants() == null ? "" : t.variants(),
                    t.lyricTokens() == null ? "" : t.lyricTokens(), t.lyricsLanguage() == null ? "" : t.lyricsLanguage(),
                    note);
        }
        var t = r.totals();
        o.printf(Locale.ROOT, "%n%d tracks: %d encoded, %d unchanged, %d dropped, %d failed in %.1f s on %s with %s.%n"
                        + "Cache: %s%n", t.tracks(), t.encoded(), t.unchanged(), t.dropped(), t.failed(), r.seconds(),
                r.device(), r.model(), r.cacheDir());
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : "…" + s.substring(s.length() - 31);
    }
}
