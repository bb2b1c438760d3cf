package dev.lofilora.model.transformer;

import dev.lofilora.model.lyric.ConformerEncoder;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Embedding;
import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ACE-Step v1's {@code ACEStepTransformer2DModel} (research/acestep.md §2), one Java class per module of the
 * reference tree and field names equal to its state-dict names, so the released checkpoint loads by name.
 *
 * <p>{@link #encode} builds the condition sequence once per generation, {@link #decode} runs the diffusion
 * transformer at each step, {@link #forward} is both (as the original). Built on the meta device: construction
 * allocates nothing; load weights with {@link AceStepTransformerLoader} or {@link #loadStateDict}. Runs on whatever
 * device and floating dtype its parameters have (fp32 or bf16; the linear-attention core and RoPE always in fp32);
 * floating inputs are converted to that dtype and device. Not thread-safe.
 *
 * <p>Intermediates are recorded into a {@link Capture} under the golden files' names ({@code enc.*},
 * {@code encoder_hidden_states}, {@code temb.*}, {@code proj_in}, {@code rope.cos/sin}, {@code block.{i}.attn|
 * cross_attn|ff|out}, {@code sample}). Without a capture each block's temporaries are freed as the block returns.
 */
public final class ACEStepTransformer2DModel extends Module {
    public final AceStepConfig config;
    public final ModuleList<LinearTransformerBlock> transformer_blocks;
    public final TimestepEmbedding timestep_embedder;
    public final ModuleList<Module> t_block;
    public final Linear speaker_embedder;
    public final Linear genre_embedder;
    public final Embedding lyric_embs;
    public final ConformerEncoder lyric_encoder;
    public final Linear lyric_proj;
    public final ModuleList<ModuleList<Module>> projectors;
    public final PatchEmbed proj_in;
    public final T2IFinalLayer final_layer;
    private final Linear tBlockLinear;
    private final RotaryEmbedding rotary;

    /** The condition sequence: {@code [speaker | text | lyrics]} states [B, S, D] and their float mask [B, S]. */
    public record Encoded(Tensor hiddenStates, Tensor mask) implements AutoCloseable {
        @Override public void close() { hiddenStates.close(); mask.close(); }
    }

    /**
     * Output of {@link #decode}: the velocity {@code sample} [B, C, 16, outputLength] and, when SSL projection was
     * asked for, one projector output [B, T, ssl_latent_dims[k]] per REPA head (inputs to the REPA loss).
     */
    public record Output(Tensor sample, List<Tensor> sslProjections) implements AutoCloseable {
        @Override public void close() { sample.close(); sslProjections.forEach(Tensor::close); }
    }

    /**
     * @param roundRopeToBf16 round the RoPE tables to bf16 values, as ACE-Step's pipeline does to released weights
     *                        (DESIGN.md §3.4); false for conformance against the goldens
     */
    public ACEStepTransformer2DModel(AceStepConfig config, boolean roundRopeToBf16) {
        this.config = config;
        int d = config.width();
        module("rotary_emb", new NoParams("rotary_emb"));
        rotary = new RotaryEmbedding(config.attentionHeadDim(), config.ropeTheta(), roundRopeToBf16);
        transformer_blocks = module("transformer_blocks", new ModuleList<>());
        for (int i = 0; i < config.numLayers(); i++) {
            transformer_blocks.add(new LinearTransformerBlock(d, config.numAttentionHeads(), config.attentionHeadDim(),
                    config.ffnHidden()));
        }
        module("time_proj", new NoParams("timesteps"));
        timestep_embedder = module("timestep_embedder", new TimestepEmbedding(AceStepConfig.TIME_PROJ_CHANNELS, d));
        tBlockLinear = new Linear(d, 6L * d, true);
        t_block = module("t_block", ModuleList.of(new NoParams("silu"), tBlockLinear));
        speaker_embedder = module("speaker_embedder", new Linear(config.speakerEmbeddingDim(), d, true));
        genre_embedder = module("genre_embedder", new Linear(config.textEmbeddingDim(), d, true));
        lyric_embs = module("lyric_embs", new Embedding(config.lyricEncoderVocabSize(), config.lyricHiddenSize()));
        lyric_encoder = module("lyric_encoder", new ConformerEncoder(config.lyricEncoder()));
        lyric_proj = module("lyric_proj", new Linear(config.lyricHiddenSize(), d, true));
        projectors = module("projectors", new ModuleList<>());
        long projectorDim = 2L * d;
        for (int sslDim : config.sslLatentDims()) {
            projectors.add(ModuleList.of(new Linear(d, projectorDim, true), new NoParams("silu"),
                    new Linear(projectorDim, projectorDim, true), new NoParams("silu"),
                    new Linear(projectorDim, sslDim, true)));
        }
        module("cosine_loss", new NoParams("cosine_embedding_loss"));
        proj_in = module("proj_in", new PatchEmbed(config.inChannels(), d, config.patchSize().get(0),
                config.patchSize().get(1)));
        final_layer = module("final_layer", new T2IFinalLayer(d, config.patchSize().get(0), config.patchSize().get(1),
                config.outChannels()));
    }

    /** The RoPE table source (fp32 tables, optionally bf16-rounded). */
    public RotaryEmbedding rotaryEmbedding() { return rotary; }

    /** The floating dtype of the parameters (fp32 while still on meta). */
    public ScalarType dtype() {
        return timestep_embedder.linear_1.weight.value().scalar_type();
    }

    /** The device of the parameters (meta before loading). */
    public Device device() { return tBlockLinear.weight.value().device(); }

    // ---- encode -------------------------------------------------------------------------------------------------

    /**
     * The condition sequence (research/acestep.md §2.2).
     *
     * @param encoderTextHiddenStates [B, L, text_embedding_dim] UMT5 states
     * @param textAttentionMask       [B, L] (int64 or float; 1 = valid)
     * @param speakerEmbeds           [B, speaker_embedding_dim]
     * @param lyricTokenIdx           [B, N] int64
     * @param lyricMask               [B, N] (1 = valid)
     */
    public Encoded encode(Tensor encoderTextHiddenStates, Tensor textAttentionMask, Tensor speakerEmbeds,
                          Tensor lyricTokenIdx, Tensor lyricMask, Capture capture) {
        Capture enc = capture.scoped("enc");
        Device dev = device();
        ScalarType dt = dtype();
        long b = encoderTextHiddenStates.size(0);

        Tensor speaker = speaker_embedder.forward(speakerEmbeds.to(dev, dt));                 // [B, D]
        enc.put("speaker_embedder", speaker);
        Tensor text = genre_embedder.forward(encoderTextHiddenStates.to(dev, dt));            // [B, L, D]
        enc.put("genre_embedder", text);

        Tensor ids = lyricTokenIdx.to(dev, ScalarType.Long);
        Tensor lyricEmbs = lyric_embs.forward(ids);                                            // [B, N, lyric_hidden]
        enc.put("lyric_embs", lyricEmbs);
        Tensor lyricOut = lyric_encoder.forward(lyricEmbs, lyricMask, enc.scoped("lyric_encoder"));
        enc.put("lyric_encoder", lyricOut);
        Tensor lyric = lyric_proj.forward(lyricOut);                                           // [B, N, D]
        enc.put("lyric_proj", lyric);

        Tensor states = torch.cat(new TensorVector(speaker.unsqueeze(1), text, lyric), 1);    // [B, S, D]
        // cat(float ones, int64 text mask, int64 lyric mask) promotes to float32 in the original.
        Tensor mask = torch.cat(new TensorVector(torch.ones(new long[] {b, 1}, Ops.options(ScalarType.Float, dev)),
                textAttentionMask.to(dev, ScalarType.Float), lyricMask.to(dev, ScalarType.Float)), 1); // [B, S]
        capture.put("encoder_hidden_states", states);
        capture.put("encoder_hidden_mask", mask);
        return new Encoded(states, mask);
    }

    // ---- decode -------------------------------------------------------------------------------------------------

    /**
     * The diffusion transformer (research/acestep.md §2.3).
     *
     * @param hiddenStates  noisy latent [B, C, H, T]
     * @param attentionMask latent frame mask [B, T] (1 = valid)
     * @param encoded       from {@link #encode}
     * @param timestep      [B] in [0, 1000]
     * @param projectSsl    run the REPA projectors on the blocks at {@code ssl_encoder_depths} (training)
     * @param outputLength  time length of {@code sample} (zero-padded or cropped; the original passes T)
     */
    public Output decode(Tensor hiddenStates, Tensor attentionMask, Encoded encoded, Tensor timestep,
                         boolean projectSsl, long outputLength, Capture capture) {
        return decode(hiddenStates, attentionMask, encoded, timestep, projectSsl, outputLength, capture,
                BlockRunner.PLAIN);
    }

    /**
     * {@link #decode(Tensor, Tensor, Encoded, Tensor, boolean, long, Capture)} with the blocks run by {@code runner}
     * (gradient checkpointing in training). The projectors and the final layer run after the runner returns, on what
     * it returned.
     */
    public Output decode(Tensor hiddenStates, Tensor attentionMask, Encoded encoded, Tensor timestep,
                         boolean projectSsl, long outputLength, Capture capture, BlockRunner runner) {
        Device dev = device();
        ScalarType dt = dtype();
        boolean scoped = !capture.active();
        Tensor x0 = hiddenStates.to(dev, dt);
        Tensor mask = attentionMask.to(dev, attentionMask.is_floating_point() ? attentionMask.scalar_type() : dt);
        Tensor enc = encoded.hiddenStates().to(dev, dt);
        Tensor encMask = encoded.mask().to(dev, encoded.mask().scalar_type());

        // Timestep embedding: Timesteps(256) in fp32, cast to the latent dtype, then the MLP; temb = t_block(emb).
        Tensor timeProj = Timesteps.project(timestep.to(dev, timestep.is_floating_point() ? timestep.scalar_type() : ScalarType.Float), AceStepConfig.TIME_PROJ_CHANNELS);   // [B, 256] fp32
        capture.put("temb.time_proj", timeProj);
        Tensor embedded = timestep_embedder.forward(Ops.as(timeProj, dt));                          // [B, D]
        capture.put("temb.embedded_timestep", embedded);
        Tensor temb = tBlockLinear.forward(F.silu(embedded));                                      // [B, 6D]
        capture.put("temb.t_block", temb);

        Tensor x = Ops.scoped(scoped, () -> proj_in.forward(x0));                                  // [B, T, D]
        capture.put("proj_in", x);

        long t = x.size(1), s = enc.size(1);
        Tensor[] table = rotary.tables(Math.max(t, s), dev);                                       // fp32 [max, d]
        capture.put("rope.cos", table[0]);
        capture.put("rope.sin", table[1]);
        // The original casts each table to the dtype of the tensor it was requested for (latents / conditions).
        Tensor[] rope = {Ops.as(table[0].narrow(0, 0, t), dt), Ops.as(table[1].narrow(0, 0, t), dt)};
        Tensor[] encRope = {Ops.as(table[0].narrow(0, 0, s), enc.scalar_type()),
                Ops.as(table[1].narrow(0, 0, s), enc.scalar_type())};

        Map<Integer, Tensor> tapped = new HashMap<>();
        int[] taps = config.sslEncoderDepths().stream().mapToInt(Integer::intValue).toArray();
        BlockRunner.Block run = (i, h) -> {
            LinearTransformerBlock block = transformer_blocks.get(i);
            Capture bc = capture.scoped("block." + i);
            Tensor y = Ops.scoped(scoped, () -> block.forward(h, mask, enc, encMask, rope, encRope, temb, bc));
            bc.put("out", y);
            return y;
        };
        x = runner.run(transformer_blocks.size(), run, x, taps, tapped);
        // Kept in block order, once per matching depth, as the original's inner_hidden_states list.
        List<Tensor> inner = new ArrayList<>();
        for (int i = 0; i < transformer_blocks.size(); i++) {
            for (int depth : config.sslEncoderDepths()) if (depth == i) inner.add(tapped.get(i));
        }

        List<Tensor> projections = new ArrayList<>();
        if (projectSsl) {
            int heads = Math.min(inner.size(), projectors.size());
            for (int k = 0; k < heads; k++) {
                ModuleList<Module> p = projectors.get(k);
                Tensor h = inner.get(k);
                Tensor y = Ops.scoped(scoped, () -> ((Linear) p.get(4)).forward(F.silu(((Linear) p.get(2))
                        .forward(F.silu(((Linear) p.get(0)).forward(h))))));                      // [B, T, ssl_dim]
                capture.put("ssl_proj." + k, y);
                projections.add(y);
            }
        }

        Tensor xf = x;
        Tensor sample = Ops.scoped(scoped, () -> final_layer.forward(xf, embedded, outputLength)); // [B, C, H, T]
        capture.put("sample", sample);
        return new Output(sample, projections);
    }

    /** {@link #encode} then {@link #decode} with {@code outputLength = T}, as the original {@code forward}. */
    public Output forward(Tensor hiddenStates, Tensor attentionMask, Tensor encoderTextHiddenStates,
                          Tensor textAttentionMask, Tensor speakerEmbeds, Tensor lyricTokenIdx, Tensor lyricMask,
                          Tensor timestep, boolean projectSsl, Capture capture) {
        Encoded e = encode(encoderTextHiddenStates, textAttentionMask, speakerEmbeds, lyricTokenIdx, lyricMask, capture);
        return decode(hiddenStates, attentionMask, e, timestep, projectSsl, hiddenStates.size(-1), capture);
    }

    @Override
    public void close() {
        rotary.close();
        super.close();
    }
}
