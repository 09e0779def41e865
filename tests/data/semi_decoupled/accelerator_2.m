num_pes: 128
l1_size_cstr: 100
l2_size_cstr: 3000
noc_bw_cstr: 500
offchip_bw_cstr: 500