/**
 * The instance of LLM-RO's deterministic model (github.com/JJmingcc/LLM-RO, LLM_DET.py at commit
 * 78b1552 (2025-11), `DataGenerator(seed=42).generate()`), as data. The fixed arrays are as the file states
 * them; the random ones were re-drawn with numpy's legacy RandomState seeded 42 in the generator's draw
 * order (arrival rates, rental prices, storage price, alpha, theta, rho, phi, base delays, base errors) and
 * written out here. Units are LLM-RO's: GB, queries/h, $/GPU-hour, TFLOPs, ms per token. No code is copied:
 * the model that reads this is reconstructed in llm-det.ts.
 */
export const LLM_RO = {
  source: 'github.com/JJmingcc/LLM-RO LLM_DET.py @ 78b1552, DataGenerator(seed=42)',
  queryTypes: ['Summarization', 'Code_Gen', 'Translation', 'Math_Solving', 'Image_Gen', 'Video_Gen'],
  models: ['Llama-3.2-1B', 'Llama-3.2-3B', 'Llama-3.1-8B', 'Llama-3.1-70B', 'Llama-3.2-31B', 'Llama-3.2-11B-Vision'],
  gpuTiers: [
    'A6000_FP16',
    'A6000_INT8',
    'A6000_INT4',
    'RTX_4090_FP16',
    'RTX_4090_INT8',
    'RTX_4090_INT4',
    'A100_40GB_FP16',
    'A100_40GB_INT8',
    'H100_80GB_FP16',
    'H100_80GB_INT8',
  ],
  tpDegrees: [1, 2, 4, 8],
  /** Model sizes B_j, GB. */
  modelGb: [2, 6, 16, 140, 810, 22],
  /** KV cache beta_j, GB per token. */
  kvGbPerToken: [0.02, 0.05, 0.15, 1.4, 8.0, 0.25],
  /** Input and output tokens h_i, f_i. */
  inputTokens: [512, 256, 128, 64, 32, 48],
  outputTokens: [256, 512, 128, 256, 1024, 2048],
  /** Arrival rates lambda_i, queries per hour (seeded). */
  queriesPerHour: [118, 88, 114, 47, 40, 16],
  /** GPU memory C_k (GB) and compute P_k (TFLOPs) per tier. */
  gpuGb: [48, 48, 80, 48, 24, 24, 24, 40, 80, 80],
  gpuTflops: [40.7, 58.1, 67, 77.4, 82.6, 123.9, 165.2, 468, 989, 1483.5],
  /** Rental p^c_k, $ per GPU-hour (seeded: base price x U(0.8, 1.2)). */
  usdPerGpuHour: [
    0.6359165157419338, 0.5459934781126808, 2.459248891965867, 0.6067642388961457, 0.3000013545090717, 0.3711243862128394,
    0.9870775579330081, 1.3065594106880758, 2.3508421672126003, 2.0007787658410146,
  ],
  /** Storage p^s, $ per GB-hour (seeded). */
  storageUsdPerGbHour: 0.00496884623716487,
  /** Compute alpha_i per token, token size theta_i (MB), delay penalty rho_i ($/ms/query), unmet penalty phi_i ($/query); seeded. */
  alpha: [0.5469926038510866, 0.8446612641953124, 0.2014132610439435, 1.0115312125207079, 2.524774660258389, 3.8998609717152553],
  theta: [
    0.0008186662652854462, 0.0011895022075365837, 0.0008931085361721217, 0.0008362425738131284, 0.005236772018666175, 0.009529847965068651,
  ],
  rho: [0.00991615442903394, 0.0196676289324798, 0.009299702033681603, 0.016803075385877796, 0.029504992519695433, 0.04026529922319733],
  phi: [48.84403511369705, 91.26576435691078, 27.708330050798324, 80.31932504440428, 161.54469128110745, 162.0512733013006],
  /** d_ij = baseDelay_i x delayMultiplier_j (ms per token); e_ij = baseError_i / capacity_j. */
  baseDelay: [0.5366527037650917, 0.8219993315565242, 0.38331949117361647, 1.0346729307015543, 2.1955303037866205, 3.5911180438940313],
  delayMultiplier: [0.3, 0.5, 1.5, 5, 3.5, 2.5],
  baseError: [
    0.04510722820635305, 0.024251558744912447, 0.02207941662868189, 0.06135400655639983, 0.06062626584911117, 0.09684569549189997,
  ],
  modelCapacity: [0.5, 1.5, 3, 8, 5, 2.5],
  /** Budget delta ($), rental period Delta_T (h), delay SLO Delta_i (ms), error SLO epsilon_i, KV residency T_res (h), storage (GB). */
  budgetUsd: 5000,
  hours: 12,
  delaySloMs: [1000, 1500, 800, 2000, 4000, 5000],
  errorSlo: [0.04, 0.08, 0.03, 0.1, 0.12, 0.2],
  residencyHours: 0.1,
  storageGb: 1000,
} as const;
