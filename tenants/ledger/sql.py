"""SQL fragments for set-based postings (settlement, points accrual and expiry): one statement inserts a batch's
journals and entries and moves the cached balances by what the entries add up to per account."""

# A CTE over an ``entries`` CTE (the INSERT … RETURNING account_id, amount_fen of the batch): each account's cached
# balance moves by its entries' sum. ``{account}`` is the accounts' table.
BALANCES_CTE = """balances AS (
    UPDATE {account} a SET balance_fen = a.balance_fen + d.delta
      FROM (SELECT account_id, sum(amount_fen) AS delta FROM entries GROUP BY account_id) d
     WHERE a.id = d.account_id
    RETURNING a.id
)"""
