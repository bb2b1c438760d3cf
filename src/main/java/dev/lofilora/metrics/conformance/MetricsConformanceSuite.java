package dev.lofilora.metrics.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.ConformanceSuite;
import dev.lofilora.conformance.GoldenFolder;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.tensor.SafetensorsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The "metrics" golden suite ({@code golden/metrics/<set>/<component>}, the codecs layout): one folder per component,
 * recognised by its name, each with {@code io.safetensors}, {@code config.json} and a flat {@code tolerances.json}.
 * Every size comes from the folder's config and tensor shapes, so sets other than A run the same way.
 *
 * <table>
 *   <caption>components</caption>
 *   <tr><td>vggish_frontend</td><td>{@code VggishFrontEnd}: stft_magnitude, mel_matrix, log_mel, examples</td></tr>
 *   <tr><td>vggish</td><td>{@code Vggish}: features, embeddings</td></tr>
 *   <tr><td>htsat</td><td>{@code Htsat} on the stored waveforms (rows given as {@code clip_<i>} are repeat-padded
 *       here): logmel … embedding</td></tr>
 *   <tr><td>clap_text</td><td>{@code Roberta} + text projection: position_ids … text_embed</td></tr>
 *   <tr><td>clap_head</td><td>audio projection, cosine scores, similarity</td></tr>
 *   <tr><td>fad</td><td>{@code EmbeddingStats}, {@code FrechetDistance}: mu*, sigma*, fad_*</td></tr>
 *   <tr><td>pt_checkpoint</td><td>{@code PtCheckpoint}: every state-dict tensor of the stored {@code .pt}</td></tr>
 * </table>
 */
public final class MetricsConformanceSuite implements ConformanceSuite {
    /** The component folder names of the metrics golden layout. */
    public static final Set<String> COMPONENTS = Set.of("vggish_frontend", "vggish", "htsat", "clap_text", "clap_head",
            "fad", "pt_checkpoint");
    static final String IO = GoldenFolder.FLAT_GROUP;

    @Override
    public String name() { return "metrics"; }

    @Override
    public boolean accepts(Path folder) {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        return name != null && COMPONENTS.contains(name.toString())
                && Files.isRegularFile(folder.resolve("io.safetensors"))
                && Files.isRegularFile(folder.resolve("config.json"))
                && Files.isRegularFile(folder.resolve(GoldenFolder.TOLERANCES));
    }

    @Override
    public SuiteResult compute(Path folder, ConformanceContext ctx) {
        String component = folder.toAbsolutePath().normalize().getFileName().toString();
        JsonNode config = Json.readTree(folder.resolve("config.json"));
        SuiteResult.Builder out = SuiteResult.builder();
        ctx.progress().start("metrics " + component, 1);
        try (SafetensorsFile io = SafetensorsFile.open(folder.resolve("io.safetensors"))) {
            switch (component) {
                case "vggish_frontend" -> VggishGoldens.frontEnd(config, folder, io, out);
                case "vggish" -> VggishGoldens.network(config, folder, io, ctx, out);
                case "htsat" -> ClapGoldens.htsat(config, folder, io, ctx, out);
                case "clap_text" -> ClapGoldens.text(config, folder, io, ctx, out);
                case "clap_head" -> ClapGoldens.head(config, folder, io, ctx, out);
                case "fad" -> FadGolden.compute(io, ctx, out);
                case "pt_checkpoint" -> PtGolden.compute(config, folder, io, ctx, out);
                default -> throw new IllegalStateException(component);
            }
            ctx.progress().advance(1, component);
        } finally {
            ctx.progress().finish();
        }
        return out.build();
    }

    /** An input tensor the folder must have. */
    static org.bytedeco.pytorch.Tensor input(SafetensorsFile io, String name) {
        if (!io.contains(name)) {
            throw new LofiException(io.path(), "has no input \"" + name + "\"", "regenerate the golden folder");
        }
        return io.tensor(name);
    }
}
