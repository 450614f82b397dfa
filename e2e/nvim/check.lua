-- End-to-end check of the RASP language server through Neovim's built-in LSP client (0.11).
--
-- Usage: nvim --clean --headless -l e2e/nvim/check.lua PYTHON REVERSE_FILE ERROR_FILE
--   PYTHON        interpreter with the rasp package; the server is `PYTHON -m rasp.lsp`
--   REVERSE_FILE  a copy of examples/reverse.rasp
--   ERROR_FILE    a copy of e2e/fixtures/undefined_name.rasp
--
-- The client is configured the way README.md tells Neovim users to (vim.lsp.config +
-- vim.lsp.enable), plus the setting rasp.inlayHints.enable = true. The script checks what the
-- editor itself gets and shows: diagnostics, the hover float, code lenses (resolved, and drawn
-- as virtual text), inlay hints. It prints one JSON line and exits 0 (all checks passed),
-- 1 (a check failed) or 2 (the harness itself failed).

local python, reverse_path, error_path = arg[1], arg[2], arg[3]
local TIMEOUT_MS = tonumber(os.getenv('E2E_NVIM_TIMEOUT_MS') or '') or 30000

local EXPECT = {
  hover_word = 'reverse',
  hover_cost = 'cost: 2 layers · heads per layer [1, 1]',
  lens = 'reverse("hello") = [o, l, l, e, h]',
  error_code = 'undefined-name',
  error_line = 4, -- 0-based: `broken = nosuchname;`
}

local t0 = vim.uv.hrtime()
local function ms() return math.floor((vim.uv.hrtime() - t0) / 1e6) end

local result = { ok = false, checks = {}, timings = {}, failures = {} }
local function mark(name) result.timings[name] = ms() end
local function check(name, passed, detail)
  result.checks[name] = passed and true or false
  if not passed then table.insert(result.failures, name .. ': ' .. detail) end
end

local function finish(code)
  result.ok = code == 0
  result.timings.done = ms()
  io.stdout:write(vim.json.encode(result) .. '\n')
  io.stdout:flush()
  os.exit(code)
end

--- Waits until fn() returns a truthy value (returned) or the time limit passes (nil).
local function wait_for(fn, timeout)
  local value
  vim.wait(timeout or TIMEOUT_MS, function()
    value = fn()
    return value and true or false
  end, 50)
  return value
end

local function rasp_client()
  return vim.lsp.get_clients({ name = 'rasp' })[1]
end

local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

--- Every extmark's virtual text in a buffer (code lenses are drawn this way).
local function virtual_texts(buf)
  local texts = {}
  for _, ns in pairs(vim.api.nvim_get_namespaces()) do
    for _, mark_ in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
      local chunks = mark_[4].virt_text or {}
      for _, lines in ipairs(mark_[4].virt_lines or {}) do vim.list_extend(chunks, lines) end
      local parts = {}
      for _, chunk in ipairs(chunks) do table.insert(parts, chunk[1]) end
      if #parts > 0 then table.insert(texts, table.concat(parts)) end
    end
  end
  return texts
end

local function floating_windows()
  local wins = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then table.insert(wins, win) end
  end
  return wins
end

local function find_line(buf, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(pattern) then return i - 1 end
  end
end

local function main()
  vim.filetype.add({ extension = { rasp = 'rasp' } })
  vim.cmd('filetype on')
  local settings = { rasp = { inlayHints = { enable = true } } }
  vim.lsp.config('rasp', {
    cmd = { python, '-m', 'rasp.lsp' },
    filetypes = { 'rasp' },
    settings = settings,
    init_options = settings,
  })
  vim.lsp.enable('rasp')

  -- 1. reverse.rasp: the client starts and initialises ----------------------------------------
  local buf = open(reverse_path)
  local client = wait_for(function()
    local c = rasp_client()
    return c and c.initialized and c
  end)
  if not client then
    table.insert(result.failures, 'the server did not initialise (see the LSP log)')
    return 2
  end
  mark('initialized')
  result.server = client.server_info

  -- 2. hover on `reverse`, read from the floating window the client opens ----------------------
  local line = find_line(buf, '^reverse =')
  vim.api.nvim_win_set_cursor(0, { line + 1, 0 })
  local hover_lines = wait_for(function()
    local wins = floating_windows()
    if #wins == 0 then
      if not result._hover_asked then
        result._hover_asked = true
        vim.lsp.buf.hover()
      end
      return nil
    end
    return vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(wins[1]), 0, -1, false)
  end)
  result._hover_asked = nil
  mark('hover')
  result.hover = hover_lines and table.concat(hover_lines, '\n') or nil
  check('hover', result.hover and result.hover:find(EXPECT.hover_cost, 1, true),
    'no hover float with ' .. vim.inspect(EXPECT.hover_cost) .. ', got ' .. vim.inspect(result.hover))
  for _, win in ipairs(floating_windows()) do vim.api.nvim_win_close(win, true) end

  -- 3. code lenses: refresh until the lens for `reverse` is resolved with its value ------------
  -- (the server answers "evaluating…" until the evaluation on the sample input is done)
  local titles = {}
  local next_refresh = 0
  local found = wait_for(function()
    if ms() >= next_refresh then
      vim.lsp.codelens.refresh({ bufnr = buf })
      next_refresh = ms() + 500
    end
    titles = {}
    for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
      if lens.command then table.insert(titles, lens.command.title) end
    end
    return vim.tbl_contains(titles, EXPECT.lens)
  end)
  mark('codeLens')
  result.codeLenses = titles
  check('codeLens', found, 'no lens ' .. vim.inspect(EXPECT.lens) .. ', got ' .. vim.inspect(titles))
  local drawn = wait_for(function()
    for _, text in ipairs(virtual_texts(buf)) do
      if text:find(EXPECT.lens, 1, true) then return text end
    end
  end, 3000)
  check('codeLensDrawn', drawn, 'the lens is not drawn as virtual text: ' .. vim.inspect(virtual_texts(buf)))

  -- 4. inlay hints (enabled by the setting rasp.inlayHints.enable) -----------------------------
  vim.lsp.inlay_hint.enable(true, { bufnr = buf })
  local hints = wait_for(function()
    local got = vim.lsp.inlay_hint.get({ bufnr = buf })
    return #got > 0 and got
  end)
  mark('inlayHints')
  result.inlayHints = {}
  for _, item in ipairs(hints or {}) do
    local label = item.inlay_hint.label
    if type(label) == 'table' then
      local parts = {}
      for _, part in ipairs(label) do table.insert(parts, part.value) end
      label = table.concat(parts)
    end
    table.insert(result.inlayHints, { line = item.inlay_hint.position.line, label = label })
  end
  check('inlayHints', hints, 'no inlay hints')

  -- reverse.rasp itself is correct: no error diagnostics
  local errors = vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })
  check('reverseNoErrors', #errors == 0, 'errors on reverse.rasp: ' .. vim.inspect(errors))

  -- 5. diagnostics on the fixture with a known error --------------------------------------------
  local ebuf = open(error_path)
  local diags = wait_for(function()
    local got = vim.diagnostic.get(ebuf)
    return #got > 0 and got
  end) or {}
  mark('diagnostics')
  result.diagnostics = {}
  local wanted = false
  for _, d in ipairs(diags) do
    table.insert(result.diagnostics, {
      line = d.lnum, col = d.col, code = d.code, message = d.message,
      severity = vim.diagnostic.severity[d.severity],
    })
    if d.code == EXPECT.error_code and d.severity == vim.diagnostic.severity.ERROR
        and d.lnum == EXPECT.error_line then
      wanted = true
    end
  end
  check('diagnostics', wanted, 'no ' .. EXPECT.error_code .. ' error on line '
    .. (EXPECT.error_line + 1) .. ', got ' .. vim.inspect(result.diagnostics))

  return #result.failures == 0 and 0 or 1
end

local ok, code = xpcall(main, debug.traceback)
if not ok then
  table.insert(result.failures, 'harness error: ' .. tostring(code))
  code = 2
end

-- Stop the server politely, then make sure nothing it started is left behind: Neovim starts
-- servers detached, so a process-group kill from outside would not reach them.
local client = rasp_client()
if client then
  client:stop()
  local stopped = wait_for(function() return client:is_stopped() end, 5000)
  result.serverStopped = stopped and true or false
end
local function kill_tree(pid)
  for _, child in ipairs(vim.api.nvim_get_proc_children(pid)) do
    kill_tree(child)
    pcall(vim.uv.kill, child, 'sigkill')
  end
end
kill_tree(vim.fn.getpid())
finish(code)
