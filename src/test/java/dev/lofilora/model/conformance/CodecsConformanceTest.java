package dev.lofilora.model.conformance;

import dev.lofilora.SharedFiles;
import dev.lofilora.cli.Main;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.conformance.ConformanceConfig;
import dev.lofilora.conformance.ConformanceReport;
import dev.lofilora.conformance.ConformanceRunner;
import dev.lofilora.conformance.TensorComparison;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The codecs golden set (../shared/golden/codecs/A, computed by the original Python code): every component within
 * the README's tolerances (atol = 4 × the measured fp32-vs-fp64 error), integer outputs exactly.
 */
class CodecsConformanceTest {
    @TempDir Path tmp;

    @Test
    void goldenSetAPassesThroughTheCliWithRequireAllAndSavesWhatItComputed() throws IOException {
        Path golden = SharedFiles.require("golden/codecs/A");
        Path save = tmp.resolve("saved");
        int exit = Main.execute("conformance", golden.toString(), "--require-all", "--save", save.toString(),
                "--no-progress");
        assertEquals(0, exit, "lofi conformance codecs/A --require-all");
        for (String component : List.of("logmel", "pipeline", "dcae", "vocoder", "umt5")) {
            Path saved = save.resolve(component).resolve("io.safetensors");
            assertTrue(Files.isRegularFile(saved), saved.toString());
            try (SafetensorsFile ours = SafetensorsFile.open(saved);
                 SafetensorsFile ref = SafetensorsFile.open(golden.resolve(component).resolve("io.safetensors"))) {
                for (String key : ours.names()) {
                    assertTrue(ref.contains(key), component + "/" + key + " is a golden key");
                    assertArrayEquals(ref.info(key).shape(), ours.info(key).shape(), component + "/" + key);
                }
            }
        }
        // the saved log-mel is what was compared: within the golden atol (1.01e-3) of the original's
        try (SafetensorsFile ours = SafetensorsFile.open(save.resolve("logmel/io.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(golden.resolve("logmel/io.safetensors"))) {
            assertTrue(Tensors.maxAbsDiff(ours.tensor("logmel"), ref.tensor("logmel")) <= 1.01e-3);
        }
    }

    /** Folder names carry no meaning: renamed copies (the pipeline's config pointing at them) run the same. */
    @Test
    void componentsAreRecognisedFromTheirConfigsNotTheirFolderNames() throws IOException {
        Path golden = SharedFiles.require("golden/codecs/A");
        Path copy = tmp.resolve("B");
        copyTree(golden, copy);
        Files.move(copy.resolve("dcae"), copy.resolve("autoencoder"));
        Files.move(copy.resolve("vocoder"), copy.resolve("hifigan"));
        Files.move(copy.resolve("umt5"), copy.resolve("text"));
        Files.move(copy.resolve("logmel"), copy.resolve("frontend"));
        Path cfg = copy.resolve("pipeline/config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("../dcae", "../autoencoder").replace("../vocoder", "../hifigan"));

        ConformanceReport r = ConformanceRunner.installed().run(new ConformanceConfig(copy, null, true, "cpu"),
                ProgressListener.NONE);
        assertTrue(r.passed(), () -> String.join("; ", r.failures()));
        assertEquals(18, r.compared());
        assertEquals(Set.of("codecs"), Set.copyOf(r.suites().values()));
        for (TensorComparison c : r.comparisons()) {
            assertTrue(c.maxAbs() <= c.atol(), c.name());
        }
        // the resampler kernel and the resampled audio reproduce torchaudio bit for bit
        assertEquals(0.0, find(r, "pipeline/resampler_kernel").maxAbs());
        assertEquals(0.0, find(r, "pipeline/enc_resampled").maxAbs());
    }

    private static TensorComparison find(ConformanceReport r, String name) {
        return r.comparisons().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
