"""What a co-design problem searches and under which budget by default: plain constants, importable without
JAX (the CLI's argument parser shows them)."""

#: Hardware parameters a problem searches (simd_lanes and noc_hops stay at MAESTRO's defaults, 1 and 1).
HW_PARAMS = ("num_pes", "l1_size", "l2_size", "noc_bw", "offchip_bw")
OBJECTIVES = ("latency", "energy", "edp")
#: Templates a problem may search over (dpt and gemm are applied by the layer-type rule).
SEARCH_DATAFLOWS = ("os", "ws", "rs", "dla")
#: Integer bounds per parameter (inclusive), searched in log space. l1/l2 are in elements.
DEFAULT_BOUNDS = {
    "num_pes": (16, 1024),
    "l1_size": (16, 1 << 16),
    "l2_size": (1 << 10, 1 << 24),
    "noc_bw": (1, 1024),
    "offchip_bw": (1, 1024),
}
#: Default area budget in MAESTRO area units (see `hardware_cost`: the arbiter term grows as PEs^2, the bus
#: term as PEs x noc_bw). 5e7 holds 256 PEs with noc_bw up to 41 (256 PEs: 4.0e7 at bw 16, 5.9e7 at bw 64),
#: 128 PEs with bw up to ~210, and no 512-PE design (1.47e8 at bw 16): PE count and NoC bandwidth both bind
#: for VGG16 and MobileNetV2 (random search on VGG16 picks 256 PEs at bw 41, area 4.98e7). offchip_bw costs
#: no area or power in MAESTRO's model, so it goes to its upper bound unless fixed.
DEFAULT_AREA_BUDGET = 5.0e7
